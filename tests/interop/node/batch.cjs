// Drives dynamics-web-api's $batch against DATAVERSE_URL: one batch whose change set succeeds
// (with Content-ID references) and one whose change set fails halfway; prints what it saw.
"use strict";
const { DynamicsWebApi } = require("dynamics-web-api");

const api = new DynamicsWebApi({
  serverUrl: process.env.DATAVERSE_URL,
  dataApi: { version: "9.2" },
  onTokenRefresh: async () => process.env.DATAVERSE_TOKEN,
});

(async () => {
  const out = {};
  api.startBatch();
  api.retrieveMultiple({ collection: "accounts", select: ["name"], filter: "name eq 'nothing by this name'" });
  api.create({ collection: "contacts", data: { lastname: "Node Batch Bob" }, contentId: "1" });
  api.create({ collection: "accounts", data: { name: "Node Batch Account", "primarycontactid@odata.bind": "$1" } });
  api.update({ contentId: "$1", data: { firstname: "Bobby" } });
  const good = await api.executeBatch();
  out.good = good.map((r) => (r instanceof Error ? { status: r.status } : typeof r === "object" ? "object" : typeof r));

  api.startBatch();
  api.create({ collection: "accounts", data: { name: "Node Halfway 1" } });
  api.create({ collection: "accounts", data: { name: "Node Halfway 2" } });
  api.create({ collection: "accounts", data: { name: "Node Halfway 3", numberofemployees: "not a number" } });
  api.create({ collection: "accounts", data: { name: "Node Halfway 4" } });
  try {
    const bad = await api.executeBatch();
    out.bad = bad.map((r) => (r instanceof Error ? { status: r.status, code: r.error && r.error.code } : typeof r));
  } catch (e) {
    const errors = Array.isArray(e) ? e : [e];
    out.bad = errors.map((r) => ({ status: r.status, code: r.error ? r.error.code : r.code }));
  }
  console.log(JSON.stringify(out));
})().catch((e) => {
  console.error("dynamics-web-api failed:", e.status, e.code, e.message);
  process.exit(1);
});
