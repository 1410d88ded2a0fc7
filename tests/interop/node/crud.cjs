// Drives dynamics-web-api, unmodified, through the operations a Dataverse client needs most,
// against DATAVERSE_URL with DATAVERSE_TOKEN, and prints what it saw as one JSON object.
"use strict";
const { DynamicsWebApi } = require("dynamics-web-api");

const api = new DynamicsWebApi({
  serverUrl: process.env.DATAVERSE_URL,
  dataApi: { version: "9.2" },
  onTokenRefresh: async () => process.env.DATAVERSE_TOKEN,
});

(async () => {
  const out = {};
  out.accountId = await api.create({ collection: "accounts", data: { name: "Node Contoso", accountnumber: "NODE-1" } });
  const rep = await api.create({
    collection: "accounts", data: { name: "Node Representation" }, returnRepresentation: true, select: ["name"],
  });
  out.representationName = rep.name;
  out.contactId = await api.create({
    collection: "contacts",
    data: { lastname: "Node Ada", "parentcustomerid_account@odata.bind": `accounts(${out.accountId})` },
  });
  out.retrievedById = (await api.retrieve({ collection: "accounts", key: out.accountId, select: ["name"] })).name;
  out.retrievedByKey = (await api.retrieve({ collection: "accounts", key: "accountnumber='NODE-1'", select: ["name"] })).name;
  out.updated = await api.update({
    collection: "accounts", key: out.accountId,
    data: { name: "Node Contoso 2", "primarycontactid@odata.bind": `contacts(${out.contactId})` },
  });
  out.upsertId = await api.upsert({ collection: "accounts", key: "accountnumber='NODE-2'", data: { name: "Node Upserted" } });
  const page1 = await api.retrieveMultiple({
    collection: "accounts", select: ["name"], filter: "startswith(name,'Node')", orderBy: ["name asc"],
    maxPageSize: 2, count: true,
  });
  out.page1 = page1.value.map((r) => r.name);
  out.count = page1.oDataCount;
  const page2 = await api.retrieveMultiple({ collection: "accounts", maxPageSize: 2 }, page1.oDataNextLink);
  out.page2 = page2.value.map((r) => r.name);
  const all = await api.retrieveAll({
    collection: "accounts", select: ["name"], filter: "startswith(name,'Node')", orderBy: ["name desc"], maxPageSize: 1,
  });
  out.all = all.value.map((r) => r.name);
  const expanded = await api.retrieve({
    collection: "accounts", key: out.accountId, select: ["name"],
    expand: [{ property: "primarycontactid", select: ["fullname"] }, { property: "contact_customer_accounts", select: ["lastname"] }],
  });
  out.expandedPrimary = expanded.primarycontactid.fullname;
  out.expandedChildren = expanded.contact_customer_accounts.map((c) => c.lastname);
  out.countAll = await api.count({ collection: "accounts" });
  out.countFiltered = await api.count({ collection: "accounts", filter: "startswith(name,'Node')" });
  out.deleted = await api.deleteRecord({ collection: "accounts", key: out.upsertId });
  out.who = (await api.callFunction("WhoAmI")).UserId;
  try {
    await api.retrieve({ collection: "accounts", key: out.upsertId });
    out.missing = null;
  } catch (e) {
    out.missing = { status: e.status, code: e.code };
  }
  console.log(JSON.stringify(out));
})().catch((e) => {
  console.error("dynamics-web-api failed:", e.status, e.code, e.message);
  process.exit(1);
});
