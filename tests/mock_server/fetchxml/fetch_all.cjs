// Pages a FetchXML query with dynamics-web-api's fetchAll, unmodified, against DATAVERSE_URL,
// and prints the names it collected and the paging info of the first page as one JSON object.
"use strict";
const { DynamicsWebApi } = require("dynamics-web-api");

const api = new DynamicsWebApi({
  serverUrl: process.env.DATAVERSE_URL,
  dataApi: { version: "9.2" },
  onTokenRefresh: async () => process.env.DATAVERSE_TOKEN,
});

(async () => {
  const fetchXml =
    "<fetch count='3'><entity name='account'><attribute name='name'/><order attribute='name'/>" +
    "<link-entity name='contact' from='contactid' to='primarycontactid' link-type='outer' alias='pc'>" +
    "<attribute name='fullname'/></link-entity></entity></fetch>";
  const all = await api.fetchAll({ collection: "accounts", fetchXml });
  const first = await api.fetch({ collection: "accounts", fetchXml });
  console.log(JSON.stringify({ names: all.value.map((r) => r.name), pagingInfo: first.PagingInfo }));
})().catch((error) => {
  console.error(error);
  process.exit(1);
});
