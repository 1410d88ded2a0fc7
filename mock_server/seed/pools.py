"""Pools of realistic values drawn from Faker once per seed, then recombined cheaply.

A Faker call costs tens of microseconds; a million rows with several fake values each would
spend most of the seeding time inside Faker. Instead a few thousand values are drawn up front
from a Faker instance seeded with the seed, and the generators combine them with the seeded
``random.Random`` (a first name with a last name, a street with a city). Pools are immutable
and cached per seed, so reseeding with the same seed skips Faker entirely.
"""

from __future__ import annotations

import base64
import json
import random
import re
import struct
import zlib
from dataclasses import dataclass
from functools import lru_cache

from faker import Faker

LOCALE = "en_US"

# Pool sizes: large enough that combinations look varied, small enough to draw in ~0.1 s.
_FIRST_NAMES = 400
_LAST_NAMES = 600
_COMPANIES = 600
_PLACES = 400
_STREETS = 600
_SENTENCES = 600
_JOBS = 200
_PHRASES = 300
_DOCUMENTS = 24

_DOCUMENT_PURPOSES = ("proposal", "quote", "contract", "minutes", "invoice", "photo", "floorplan", "report")


@dataclass(frozen=True)
class Company:
    name: str
    domain: str


@dataclass(frozen=True)
class Place:
    city: str
    state: str
    postcode: str


@dataclass(frozen=True)
class Document:
    """A small attachment: ``body`` is base64, as Dataverse stores ``documentbody``."""

    filename: str
    mimetype: str
    body: str


@dataclass(frozen=True)
class Pools:
    first_names: tuple[str, ...]
    last_names: tuple[str, ...]
    companies: tuple[Company, ...]
    places: tuple[Place, ...]
    streets: tuple[str, ...]
    sentences: tuple[str, ...]
    jobs: tuple[str, ...]
    phrases: tuple[str, ...]
    documents: tuple[Document, ...]


def _unique(values: list[str]) -> tuple[str, ...]:
    """Distinct values in first-seen order (dict order, never set order, keeps this stable)."""
    return tuple(dict.fromkeys(values))


def domain_of(name: str) -> str:
    """A web domain for a company name, under the reserved ``.example`` top-level domain."""
    words = re.findall(r"[a-z0-9]+", name.lower())
    stem = "".join(w for w in words if w not in ("and", "inc", "llc", "ltd", "plc", "group"))
    return f"{stem[:24] or 'company'}.example"


def _png(rng: random.Random) -> bytes:
    """A valid 8x8 single-colour PNG image."""
    color = bytes(rng.randrange(256) for _ in range(3))
    raw = b"".join(b"\x00" + color * 8 for _ in range(8))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 8, 8, 8, 2, 0, 0, 0)
    signature = b"\x89PNG\r\n\x1a\n"
    return signature + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")


def _pdf(text: str) -> bytes:
    """A one-page PDF showing one line of text."""
    safe = text.replace("\\", "").replace("(", "").replace(")", "")
    stream = f"BT /F1 12 Tf 72 720 Td ({safe}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = b"%PDF-1.4\n"
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return out


def _documents(
    rng: random.Random, sentences: tuple[str, ...], last_names: tuple[str, ...]
) -> tuple[Document, ...]:
    docs: list[Document] = []
    for i in range(_DOCUMENTS):
        purpose = _DOCUMENT_PURPOSES[i % len(_DOCUMENT_PURPOSES)]
        stem = f"{purpose}_{rng.choice(last_names).lower()}_{i + 1:02d}"
        kind = i % 5
        if kind == 0:
            data, ext, mime = "\n".join(rng.sample(sentences, 4)).encode(), "txt", "text/plain"
        elif kind == 1:
            lines = [
                "item,quantity,amount",
                *(
                    f"{rng.choice(last_names)},{rng.randint(1, 40)},{rng.randint(100, 99999) / 100:.2f}"
                    for _ in range(6)
                ),
            ]
            data, ext, mime = "\n".join(lines).encode(), "csv", "text/csv"
        elif kind == 2:
            payload = {"summary": rng.choice(sentences), "score": rng.randint(0, 100)}
            data, ext, mime = json.dumps(payload, sort_keys=True).encode(), "json", "application/json"
        elif kind == 3:
            data, ext, mime = _png(rng), "png", "image/png"
        else:
            data, ext, mime = _pdf(rng.choice(sentences)), "pdf", "application/pdf"
        docs.append(Document(f"{stem}.{ext}", mime, base64.b64encode(data).decode("ascii")))
    return tuple(docs)


@lru_cache(maxsize=8)
def pools_for(seed: int) -> Pools:
    """The pools for ``seed``: the same seed always gives the same pools."""
    fake = Faker(LOCALE)
    fake.seed_instance(seed)
    first_names = _unique([fake.first_name() for _ in range(_FIRST_NAMES)])
    last_names = _unique([fake.last_name() for _ in range(_LAST_NAMES)])
    companies = tuple(Company(n, domain_of(n)) for n in _unique([fake.company() for _ in range(_COMPANIES)]))
    places = tuple(
        dict.fromkeys(
            Place(fake.city(), fake.state_abbr(include_territories=False), fake.postcode())
            for _ in range(_PLACES)
        )
    )
    streets = _unique([fake.street_address() for _ in range(_STREETS)])
    sentences = _unique([fake.sentence(nb_words=10) for _ in range(_SENTENCES)])
    jobs = _unique([j for j in (fake.job() for _ in range(_JOBS)) if len(j) <= 100])
    phrases = _unique([fake.catch_phrase() for _ in range(_PHRASES)])
    documents = _documents(random.Random(seed), sentences, last_names)
    return Pools(first_names, last_names, companies, places, streets, sentences, jobs, phrases, documents)
