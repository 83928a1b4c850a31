// The layering rules of Parvis, checked on every `npm test` (npm run lint:layers)
// before any test runs. docs/architecture.md explains the layers; ADR 0019 says
// why they are checked by a tool rather than by review.
//
// Paths are relative to the repository root. Imports are resolved through
// tsconfig.json, and type-only imports count: a type borrowed from a higher layer
// ties the lower layer to it just as surely as a value does.

/** The domain may not know how it is reached (HTTP, sockets, ActivityPub) nor who calls it. */
const EDGE_OF_SERVER =
  "^server/(auth|api|realtime|entities|web|cli|push)/|^server/(app|main|instance|modules|services|jobs|csp)\\.ts$";

/** Packages that belong to the edges: HTTP, WebSockets, ActivityPub. */
const EDGE_PACKAGES =
  "(^|/)node_modules/(express|express-rate-limit|cookie-parser|multer|passport[^/]*|socket\\.io[^/]*|@socket\\.io/[^/]+|ws|@fedify/[^/]+)/";

/** @type {import("dependency-cruiser").IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: "no-cycle",
      comment:
        "An import cycle makes load order matter (a module sees another half-initialised) and " +
        "welds the modules of the cycle into one: none can be understood, tested or moved alone. " +
        "Break it by moving the shared piece down a layer or by passing a function in.",
      severity: "error",
      from: { path: "^(server|federation|client/src)/" },
      to: { circular: true },
    },
    {
      name: "domain-knows-no-edge",
      comment:
        "server/domain holds the rules of the network, called alike by the API, the inbox and " +
        "the jobs. It takes typed arguments and publishes events; it must not depend on how it " +
        "is reached (auth, api, realtime, entities = Mastodon JSON, web, push delivery) nor on " +
        "what composes the instance (app, main, instance, modules, services, jobs).",
      severity: "error",
      from: { path: "^server/domain/" },
      to: { path: EDGE_OF_SERVER },
    },
    {
      name: "domain-knows-no-federation",
      comment:
        "Federation subscribes to domain events and calls the domain; the other way round would " +
        "make a local write depend on ActivityPub (see ADR 0005).",
      severity: "error",
      from: { path: "^server/domain/" },
      to: { path: "^federation/" },
    },
    {
      name: "domain-uses-no-edge-package",
      comment:
        "Express, socket.io, ws, passport, multer and Fedify are edge libraries: a domain function " +
        "that needs one of them is doing the edge's job (parsing a request, speaking ActivityPub).",
      severity: "error",
      from: { path: "^server/domain/" },
      to: { path: EDGE_PACKAGES },
    },
    {
      name: "api-knows-no-federation",
      comment:
        "The client API and the inbox are two doors to the same domain. When the API needs a " +
        "remote lookup or a delivery, the domain (or an injected service) provides it, so the " +
        "API can be read and tested without ActivityPub.",
      severity: "error",
      from: { path: "^server/api/" },
      to: { path: "^federation/|(^|/)node_modules/@fedify/" },
    },
    {
      name: "federation-through-concept-index",
      comment:
        "server/domain/<concept>/index.ts is the public surface of a concept. Federation, like any " +
        "caller outside the domain, imports the concept (`server/domain/follows`), never one of its " +
        "files, so a concept can reorganise its files without touching federation.",
      severity: "error",
      from: { path: "^federation/" },
      to: {
        path: "^server/domain/[^/]+/",
        pathNot: "^server/domain/[^/]+/index\\.ts$",
      },
    },
    {
      name: "edges-through-concept-index",
      comment:
        "The same rule for the server's own edges (api, realtime, entities, auth, jobs, …): code " +
        "outside server/domain reaches a concept only through its index.ts.",
      severity: "error",
      from: { path: "^server/", pathNot: "^server/domain/" },
      to: {
        path: "^server/domain/[^/]+/",
        pathNot: "^server/domain/[^/]+/index\\.ts$",
      },
    },
    {
      name: "federation-speaks-no-mastodon-json",
      comment:
        "Mastodon JSON (server/entities) and the client API are for apps; ActivityPub objects are " +
        "made in federation/to-activitypub from rows. Mixing the two leaks one protocol's fields " +
        "into the other. Real time is a sibling edge, not a dependency.",
      severity: "error",
      from: { path: "^federation/" },
      to: { path: "^server/(api|entities|realtime)/" },
    },
    {
      name: "entities-are-pure",
      comment:
        "server/entities turns loaded rows into Mastodon JSON and nothing else: no database handle " +
        "(open, prepared queries, maintenance), no domain context, no request, no protocol. A " +
        "serializer that queries makes N+1 reads invisible: the read models load, the entities shape.",
      severity: "error",
      from: { path: "^server/entities/" },
      to: {
        path:
          "^server/(db/(open|prepared|maintenance)|domain/context)\\.ts$|^server/(api|auth|realtime|web)/|^federation/|" +
          "(^|/)node_modules/(pg|@electric-sql/pglite)/|" +
          EDGE_PACKAGES,
      },
    },
    {
      name: "entities-query-nothing",
      comment:
        "The schema and drizzle give the entities their row types; importing tables or query " +
        "operators as values (eq, inArray, sql) is querying from a serializer. Type-only imports are fine.",
      severity: "error",
      from: { path: "^server/entities/" },
      to: {
        path: "^server/db/schema\\.ts$|(^|/)node_modules/drizzle-orm/",
        dependencyTypesNot: ["type-only"],
      },
    },
    {
      name: "db-is-the-bottom",
      comment:
        "server/db (schema, migrations, connection) is the lowest layer: everything may use it, it " +
        "uses nothing of Parvis above it, so the schema can be generated and the database opened " +
        "without loading the application.",
      severity: "error",
      from: { path: "^server/db/" },
      to: { path: "^server/(domain|api|auth|realtime|entities|web|cli|push)/|^federation/" },
    },
    {
      name: "realtime-knows-no-federation",
      comment:
        "Real time and federation both subscribe to domain events; neither calls the other, so " +
        "either can run without the other (PARVIS_PROCESS_ROLE).",
      severity: "error",
      from: { path: "^server/realtime/" },
      to: { path: "^federation/" },
    },
    {
      name: "client-is-separate",
      comment:
        "The web client is an ordinary Mastodon-API client built by Vite for the browser: it " +
        "talks to the server over HTTP and WebSockets only. Importing server or federation code " +
        "would pull Node modules into the bundle and couple the client to internals.",
      severity: "error",
      from: { path: "^client/src/" },
      to: { path: "^(server|federation|test|bench)/" },
    },
    {
      name: "product-imports-no-tests",
      comment:
        "Tests, benchmarks and the client depend on the server, never the reverse: a helper " +
        "imported from test/ would ship in the product and run in production.",
      severity: "error",
      from: { path: "^(server|federation)/" },
      to: { path: "^(test|bench|client)/" },
    },
    {
      name: "product-uses-no-test-package",
      comment:
        "Test and build tools are devDependencies; the server must start with production " +
        "dependencies only. Type-only imports (@types/*) are fine. The two build scripts use " +
        "vite and esbuild only when a build is needed (`npm start` with changed sources).",
      severity: "error",
      from: { path: "^(server|federation)/", pathNot: "^server/cli/build-(client|server)\\.ts$" },
      to: { dependencyTypes: ["npm-dev"], dependencyTypesNot: ["type-only"] },
    },
    {
      name: "imports-resolve",
      comment:
        "An import that does not resolve hides the edge from every other rule (and fails at run " +
        "time): keep the graph complete.",
      severity: "error",
      from: { path: "^(server|federation|client/src)/" },
      to: { couldNotResolve: true },
    },
  ],
  options: {
    // Only our own code is cruised; packages are leaves.
    doNotFollow: { path: "(^|/)node_modules/" },
    // node_modules may be a symlink (a shared install): keep package paths as
    // node_modules/<name>/… so that the rules below can name packages.
    preserveSymlinks: true,
    exclude: { path: "\\.test\\.tsx?$|^client/src/testing/" },
    tsConfig: { fileName: "tsconfig.json" },
    // Keep type-only imports in the graph (see the header).
    tsPreCompilationDeps: true,
    enhancedResolveOptions: {
      exportsFields: ["exports"],
      conditionNames: ["import", "require", "node", "default", "types"],
      extensions: [".ts", ".tsx", ".js", ".mjs", ".cjs", ".json", ".d.ts"],
      mainFields: ["module", "main", "types", "typings"],
    },
    reporterOptions: {
      text: { highlightFocused: true },
    },
  },
};
