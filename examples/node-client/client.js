// A minimal client of the conformance harness's driver protocol (version 1), in Node.js.
//
// It is where a client team starts: it shakes hands, checks each request's shape against the
// protocol's JSON Schema (required properties present, no unknown ones), and answers every
// command that needs a server with `not_configured` until `configure` has been sent. That is
// enough to pass `offline-conformance smoke`; a real client puts its sync engine behind
// `handle`. It speaks both transports:
//
// - HTTP, in a container: when CONFORMANCE_PORT is set it listens on
//   CONFORMANCE_HOST:CONFORMANCE_PORT and answers one request per POST;
// - stdio, as a local process: one JSON request per line in, one reply per line out.
"use strict";

const fs = require("fs");
const http = require("http");
const path = require("path");
const readline = require("readline");

const IMPLEMENTATION = { name: "node-example", version: "0.1.0", language: "javascript" };

// Every command's property names and required ones, from schema/commands/<cmd>.json.
const schemaDir = path.join(__dirname, "schema", "commands");
const commands = new Map();
for (const file of fs.readdirSync(schemaDir)) {
  const schema = JSON.parse(fs.readFileSync(path.join(schemaDir, file), "utf8"));
  commands.set(schema.properties.cmd.const, {
    properties: new Set(Object.keys(schema.properties)),
    required: schema.required,
  });
}

let settings = null; // what `configure` said: server_url, token, user_id, ca_file

function ok(id, result) {
  return { id, result };
}

function error(id, code, message) {
  return { id, error: { code, message } };
}

function handle(message) {
  if (message === null || typeof message !== "object" || Array.isArray(message)) {
    return error(null, "invalid_request", "A request is a JSON object.");
  }
  const id = typeof message.id === "number" || typeof message.id === "string" ? message.id : null;
  const command = commands.get(message.cmd);
  if (command === undefined) {
    return error(id, "unsupported_command", `This client has no command '${message.cmd}'.`);
  }
  const missing = command.required.filter((name) => !(name in message));
  const unknown = Object.keys(message).filter((name) => !command.properties.has(name));
  if (id === null || missing.length > 0 || unknown.length > 0) {
    const problems = [...missing.map((n) => `needs '${n}'`), ...unknown.map((n) => `has no '${n}'`)];
    return error(id, "invalid_request", `${message.cmd} ${problems.join(", ") || "needs an id"}.`);
  }
  switch (message.cmd) {
    case "handshake":
      return ok(id, { protocol_version: 1, implementation: IMPLEMENTATION });
    case "configure":
      settings = { server_url: message.server_url, token: message.token };
      return ok(id, {});
    case "go_offline":
    case "go_online":
    case "shutdown":
      return ok(id, {});
  }
  if (settings === null) {
    return error(id, "not_configured", `${message.cmd} needs a server: send configure first.`);
  }
  return error(id, "internal", `${message.cmd}: this example only shakes hands.`);
}

function answer(text) {
  let message;
  try {
    message = JSON.parse(text);
  } catch (e) {
    return { reply: error(null, "invalid_request", `Not JSON: ${e.message}`), last: false };
  }
  const reply = handle(message);
  return { reply, last: message && message.cmd === "shutdown" && "result" in reply };
}

function serveHttp(host, port) {
  const server = http.createServer((request, response) => {
    const chunks = [];
    request.on("data", (chunk) => chunks.push(chunk));
    request.on("end", () => {
      const { reply, last } = answer(Buffer.concat(chunks).toString("utf8"));
      response.writeHead(200, { "Content-Type": "application/json" });
      response.end(JSON.stringify(reply), () => last && process.exit(0));
    });
  });
  server.listen(port, host, () => {
    const dataverse = process.env.CONFORMANCE_DATAVERSE_URL || "(not given)";
    console.error(`node-example: listening on http://${host}:${port}/; Dataverse at ${dataverse}`);
  });
}

function serveStdio() {
  const lines = readline.createInterface({ input: process.stdin });
  lines.on("line", (line) => {
    if (!line.trim()) return;
    const { reply, last } = answer(line);
    process.stdout.write(JSON.stringify(reply) + "\n", () => last && process.exit(0));
  });
}

if (process.env.CONFORMANCE_PORT) {
  serveHttp(process.env.CONFORMANCE_HOST || "127.0.0.1", Number(process.env.CONFORMANCE_PORT));
} else {
  serveStdio();
}
