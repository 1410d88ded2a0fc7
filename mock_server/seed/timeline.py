"""What shows on a record's timeline: activities with their parties and attachments, and notes.

Tasks, phone calls, appointments and emails regard the account, one of its contacts, one of its
opportunities or one of its cases, with state and status reason drawn as pairs that belong
together (a sent email is completed, a received call is completed, a draft is open). Every
activity is mirrored into ``activitypointer`` by ``SeedContext.emit``. Emails get a sender and
recipients and appointments an organizer and attendees as ``activityparty`` rows; some carry
``activitymimeattachment`` files. Notes sit on accounts, contacts, opportunities and cases, a
share of them with a small base64 document.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from mock_server.seed.accounts import Family, Party
from mock_server.seed.choices import checked, state_status, weighted
from mock_server.seed.context import DAY, Principal, Row, SeedContext
from mock_server.seed.plan import (
    ACTIVITY_ATTACHMENT_SHARE,
    APPOINTMENTS,
    EMAILS,
    NOTE_ATTACHMENT_SHARE,
    NOTES_PER_ACCOUNT,
    NOTES_PER_CASE,
    NOTES_PER_CONTACT,
    NOTES_PER_OPPORTUNITY,
    PHONECALLS,
    TASKS,
    count,
)

TASK_SUBJECTS = (
    "Follow up with {contact}",
    "Send proposal to {account}",
    "Prepare quote for {account}",
    "Schedule a demo for {contact}",
    "Review contract with {account}",
    "Update account plan",
)
CALL_SUBJECTS = (
    "Call with {contact}",
    "Discuss renewal with {contact}",
    "Check in on {account}",
    "Pricing questions from {contact}",
)
MEETING_SUBJECTS = (
    "Meeting with {account}",
    "Product demo for {account}",
    "Quarterly business review",
    "Site visit at {account}",
    "Kick-off with {contact}",
)
EMAIL_SUBJECTS = (
    "Proposal for {account}",
    "Following up on our conversation",
    "Meeting notes",
    "Question about your order",
    "Introduction: {contact}",
)
NOTE_SUBJECTS = (
    "Meeting notes",
    "Call summary",
    "Next steps",
    "Pricing discussion",
    "Site photos",
    "Signed contract",
    "Customer feedback",
)
LOCATIONS = ("Microsoft Teams Meeting", "Conference Room A", "Conference Room B")
ACTIVITIES = ("task", "phonecall", "appointment", "email")


class TimelineSeeder:
    def __init__(self, ctx: SeedContext) -> None:
        self.ctx = ctx
        self.priority = {a: weighted(a, "prioritycode", {0: 15, 1: 70, 2: 15}) for a in ACTIVITIES}
        self.task_states = state_status("task", {0: 55, 1: 40, 2: 5}, default_share=0.5)
        self.call_states = state_status("phonecall", {0: 30, 1: 65, 2: 5})
        self.appointment_states = state_status("appointment", {0: 10, 1: 45, 2: 10, 3: 35})
        self.email_states = state_status("email", {0: 15, 1: 80, 2: 5})
        self.call_made = checked("phonecall", "statuscode", 2)
        self.call_received = checked("phonecall", "statuscode", 4)
        self.email_sent = checked("email", "statuscode", 3)
        self.email_received = checked("email", "statuscode", 4)
        mask = "participationtypemask"
        self.sender, self.to = checked("activityparty", mask, 1), checked("activityparty", mask, 2)
        self.required, self.optional = checked("activityparty", mask, 5), checked("activityparty", mask, 6)
        self.organizer = checked("activityparty", mask, 7)

    def seed(self, family: Family) -> None:
        rng = self.ctx.rng
        for _ in range(count(rng, TASKS)):
            self._task(family)
        for _ in range(count(rng, PHONECALLS)):
            self._phonecall(family)
        for _ in range(count(rng, APPOINTMENTS)):
            self._appointment(family)
        for _ in range(count(rng, EMAILS)):
            self._email(family)
        self._notes(family)

    # Shared parts.

    def _begin(self, entity: str, family: Family, state: int, status: int) -> tuple[Row, Party, Principal]:
        """An activity row regarding one of the family's records, the contact it involves, its owner."""
        ctx, rng = self.ctx, self.ctx.rng
        pick = rng.random()
        if pick < 0.2 and family.opportunities:
            regarding = rng.choice(family.opportunities)
        elif pick < 0.32 and family.cases:
            regarding = rng.choice(family.cases)
        elif pick < 0.6:
            regarding = rng.choice(family.contacts)
        else:
            regarding = family.account
        contact = regarding if regarding.entity == "contact" else rng.choice(family.contacts)
        owner = regarding.owner if rng.random() < 0.6 else ctx.owner()
        row = ctx.record(entity, owner)
        row.update(
            description=ctx.maybe_text(0.3),
            prioritycode=self.priority[entity].draw(rng),
            isregularactivity=True,
            regardingobjectid=regarding.id,
            regardingobjectid__target=regarding.entity,
            statecode=state,
            statuscode=status,
            scheduledstart=None,
            scheduledend=None,
            actualstart=None,
            actualend=None,
            actualdurationminutes=None,
        )
        return row, contact, owner

    def _subject(self, templates: tuple[str, ...], contact: Party, family: Family) -> str:
        return self.ctx.rng.choice(templates).format(contact=contact.name, account=family.account.name)[:400]

    def _closed_at(self, row: Row) -> datetime:
        """When a finished activity ended: shortly before its last modification, not before creation."""
        modified: datetime = row["modifiedon"]
        created: datetime = row["createdon"]
        return max(modified - timedelta(seconds=self.ctx.rng.randrange(2 * DAY)), created)

    def _finish(self, row: Row, minutes: int) -> datetime:
        end = self._closed_at(row)
        row.update(actualstart=end - timedelta(minutes=minutes), actualend=end, actualdurationminutes=minutes)
        return end

    def _party(self, activity: Row, entity: str, who: Party | Principal, mask: int) -> None:
        row = self.ctx.record("activityparty", like=activity)
        row.update(
            activityid=activity["activityid"],
            activityid__target=entity,
            partyid=who.id,
            partyid__target=who.entity,
            participationtypemask=mask,
            addressused=who.email,
        )
        self.ctx.emit("activityparty", row)

    def _attachments(self, activity: Row, entity: str) -> None:
        ctx, rng = self.ctx, self.ctx.rng
        if rng.random() >= ACTIVITY_ATTACHMENT_SHARE:
            return
        for number in range(1, rng.randint(1, 2) + 1):
            document = rng.choice(ctx.pools.documents)
            row = ctx.record("activitymimeattachment", like=activity)
            row.update(
                filename=document.filename,
                subject=document.filename,
                mimetype=document.mimetype,
                body=document.body,
                attachmentnumber=number,
                objectid=activity["activityid"],
                objectid__target=entity,
            )
            ctx.emit("activitymimeattachment", row)

    # Activities.

    def _task(self, family: Family) -> None:
        ctx, rng = self.ctx, self.ctx.rng
        state, status = self.task_states.draw(rng)
        row, contact, _ = self._begin("task", family, state, status)
        percent = {5: 100, 3: rng.choice((25, 50, 75)), 4: 50}.get(status, 0)
        if state == 1:
            due: datetime = self._finish(row, rng.choice((15, 30, 60, 90)))
        else:
            due = ctx.days_ahead(-7, 30)
        row.update(
            subject=self._subject(TASK_SUBJECTS, contact, family), scheduledend=due, percentcomplete=percent
        )
        ctx.emit("task", row)

    def _phonecall(self, family: Family) -> None:
        ctx, rng = self.ctx, self.ctx.rng
        outgoing = rng.random() < 0.65
        state = self.call_states.states.draw(rng)
        if state == 1:
            status = self.call_made if outgoing else self.call_received
        else:
            status = self.call_states.draw_in(rng, state)[1]
        row, contact, _ = self._begin("phonecall", family, state, status)
        if state == 1:
            self._finish(row, rng.randint(2, 45))
        else:
            row["scheduledend"] = ctx.days_ahead(-3, 14)
        row.update(
            subject=self._subject(CALL_SUBJECTS, contact, family),
            phonenumber=contact.phone,
            directioncode=outgoing,
        )
        ctx.emit("phonecall", row)

    def _appointment(self, family: Family) -> None:
        ctx, rng = self.ctx, self.ctx.rng
        state, status = self.appointment_states.draw(rng)
        row, contact, owner = self._begin("appointment", family, state, status)
        all_day = rng.random() < 0.05
        minutes = 24 * 60 if all_day else rng.choice((30, 60, 90, 120))
        if state in (1, 2):
            start = self._closed_at(row) - timedelta(minutes=minutes)
        else:
            start = ctx.days_ahead(1, 30)
        if all_day:
            start = start.replace(hour=0, minute=0, second=0)
        end = start + timedelta(minutes=minutes)
        if state == 1:
            row.update(actualstart=start, actualend=end, actualdurationminutes=minutes)
        pick = rng.random()
        location = LOCATIONS[0] if pick < 0.4 else (family.city if pick < 0.8 else rng.choice(LOCATIONS[1:]))
        row.update(
            subject=self._subject(MEETING_SUBJECTS, contact, family),
            scheduledstart=start,
            scheduledend=end,
            location=location,
            isalldayevent=all_day,
        )
        ctx.emit("appointment", row)
        self._party(row, "appointment", ctx.acting_user(owner), self.organizer)
        for attendee in rng.sample(family.contacts, min(len(family.contacts), rng.randint(1, 2))):
            self._party(row, "appointment", attendee, self.required)
        if rng.random() < 0.3:
            self._party(row, "appointment", ctx.user(), self.optional)
        self._attachments(row, "appointment")

    def _email(self, family: Family) -> None:
        ctx, rng = self.ctx, self.ctx.rng
        outgoing = rng.random() < 0.7
        state = self.email_states.states.draw(rng)
        if state == 0:
            outgoing = True  # drafts and failed sends are outgoing
            status = self.email_states.draw_in(rng, state)[1]
        elif state == 1:
            status = self.email_sent if outgoing else self.email_received
        else:
            status = self.email_states.draw_in(rng, state)[1]
        row, contact, owner = self._begin("email", family, state, status)
        user = ctx.acting_user(owner)
        recipients: list[Party | Principal]
        if outgoing:
            sender: Party | Principal = user
            others = [c for c in family.contacts if c.id != contact.id]
            recipients = [contact, *([rng.choice(others)] if others and rng.random() < 0.3 else [])]
        else:
            sender, recipients = contact, [user]
        if state == 1:
            self._finish(row, 1)
        row.update(
            subject=self._subject(EMAIL_SUBJECTS, contact, family),
            sender=sender.email,
            torecipients="; ".join(r.email or "" for r in recipients)[:500],
            directioncode=outgoing,
        )
        ctx.emit("email", row)
        self._party(row, "email", sender, self.sender)
        for recipient in recipients:
            self._party(row, "email", recipient, self.to)
        self._attachments(row, "email")

    # Notes.

    def _notes(self, family: Family) -> None:
        rng = self.ctx.rng
        for _ in range(count(rng, NOTES_PER_ACCOUNT)):
            self._note(family.account)
        related = (
            (family.contacts, NOTES_PER_CONTACT),
            (family.opportunities, NOTES_PER_OPPORTUNITY),
            (family.cases, NOTES_PER_CASE),
        )
        for records, mean in related:
            for record in records:
                for _ in range(count(rng, mean)):
                    self._note(record)

    def _note(self, record: Party) -> None:
        ctx, rng = self.ctx, self.ctx.rng
        owner = record.owner if rng.random() < 0.6 else ctx.owner()
        row = ctx.record("annotation", owner)
        document = rng.choice(ctx.pools.documents) if rng.random() < NOTE_ATTACHMENT_SHARE else None
        row.update(
            subject=rng.choice(NOTE_SUBJECTS),
            notetext=ctx.text(rng.randint(1, 3)),
            objectid=record.id,
            objectid__target=record.entity,
            filename=document.filename if document else None,
            mimetype=document.mimetype if document else None,
            documentbody=document.body if document else None,
        )
        ctx.emit("annotation", row)
