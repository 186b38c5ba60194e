#!/usr/bin/env bash
# The install check: the packages as a vendor gets them. Run after `npm run build`.
#
# 1. `npm pack` every published (non-private) workspace into a temporary directory;
# 2. the published types of every tarball checked with @arethetypeswrong/cli (profile node16: the packages need
#    Node >= 20.19, whose consumers resolve with node16, nodenext or a bundler, never node10) — in the background;
# 3. an empty project, and a plain `npm install` of the library tarballs with their peers at the ranges the packages
#    state, bounded in time (a resolver that loops fails the check instead of hanging CI);
# 4. scripts/install-check/program.ts copied in as an ES module (esm.mts) and as CommonJS (cjs.cts), type-checked
#    strictly under `module: node16` and under `module: nodenext`, compiled, and run with node — the CommonJS one
#    through `require`, against the `.cjs` builds and their `.d.cts` types;
# 5. @tmis/testkit installed too, and scripts/install-check/conformance.test.mts run with vitest: the storage
#    conformance suite, from the tarball, against the installed SQLite adapter (some areas).
#
# `TMIS_INSTALL_CHECK_KEEP=1` keeps the temporary directory and prints where it is.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
if [ "${TMIS_INSTALL_CHECK_KEEP:-}" = 1 ]; then echo "install check in $work"; else trap 'rm -rf "$work"' EXIT; fi
started=$(date +%s)
elapsed() { echo "$(($(date +%s) - started)) s"; }

# The published workspaces, from the root package.json's list: those without "private": true.
(cd "$root" && node -e '
  const { readFileSync } = require("node:fs")
  for (const w of JSON.parse(readFileSync("package.json", "utf8")).workspaces) {
    const pkg = JSON.parse(readFileSync(`${w}/package.json`, "utf8"))
    if (pkg.private !== true) console.log(`${w}\t${pkg.name}\t${pkg.version}`)
  }') > "$work/published"
mapfile -t published < "$work/published"

mkdir -p "$work/tarballs" "$work/app"
for line in "${published[@]}"; do
  (cd "$root/${line%%$'\t'*}" && npm pack --silent --pack-destination "$work/tarballs" > /dev/null)
done
echo "packed ${#published[@]} packages ($(elapsed)): $(cd "$work/tarballs" && echo *.tgz)"

# Published types: every tarball, every entry point, from ESM and from CommonJS — while npm installs.
(
  for file in "$work"/tarballs/*.tgz; do
    "$root/node_modules/.bin/attw" --profile node16 --format table-flipped --no-color "$file" > "$file.attw" 2>&1 ||
      { cat "$file.attw"; exit 1; }
  done
) &
attw=$!

# better-sqlite3 downloads a prebuilt binary from GitHub, or compiles SQLite from source (minutes on a busy CI
# machine). The check serves it the binary the repository's own install built, as the binary mirror a vendor behind a
# firewall would run (docs/embedding.md): the same version and Node ABI, so nothing is compiled twice. A version the
# mirror does not have falls back to compiling, as it would for a vendor.
sqlite_version="$(node -p 'require(process.argv[1]).version' "$root/node_modules/better-sqlite3/package.json")"
sqlite_binary="$root/node_modules/better-sqlite3/build/Release/better_sqlite3.node"
if [ -f "$sqlite_binary" ]; then
  mirror="$work/mirror/v$sqlite_version"
  mkdir -p "$mirror/build/Release"
  cp "$sqlite_binary" "$mirror/build/Release/"
  tar -czf "$mirror/better-sqlite3-v$sqlite_version-node-v$(node -p process.versions.modules)-$(node -p process.platform)-$(node -p process.arch).tar.gz" \
    -C "$mirror" build/Release/better_sqlite3.node
  node -e '
    const { createServer } = require("node:http")
    const { createReadStream, existsSync } = require("node:fs")
    const { join, normalize } = require("node:path")
    const server = createServer((request, response) => {
      const file = join(process.argv[1], normalize(decodeURIComponent(request.url.split("?")[0])).replace(/^(\.\.[/\\])+/, ""))
      if (!file.endsWith(".tar.gz") || !existsSync(file)) return response.writeHead(404).end()
      response.writeHead(200, { "content-type": "application/gzip" })
      createReadStream(file).pipe(response)
    })
    server.listen(0, "127.0.0.1", () => console.log(server.address().port))' "$work/mirror" > "$work/mirror.port" &
  mirror_pid=$!
  trap 'kill "$mirror_pid" 2>/dev/null || true; [ "${TMIS_INSTALL_CHECK_KEEP:-}" = 1 ] || rm -rf "$work"' EXIT
  for _ in $(seq 1 50); do [ -s "$work/mirror.port" ] && break; sleep 0.1; done
  export npm_config_better_sqlite3_binary_host="http://127.0.0.1:$(cat "$work/mirror.port")"
fi

# An empty project; the libraries a vendor embeds (every published package but the server, an application, and the
# testkit, test tooling: their types are checked by attw), and their peers at the ranges the packages state — but not
# the optional ones (exceljs, which only XLSX needs): the program checks that CSV import works without them. A peer
# two packages state differently fails the check: each dependency is declared one way everywhere.
cd "$work/app"
printf '{ "name": "tmis-install-check", "private": true }\n' > package.json
(cd "$root" && node -e '
  const { readFileSync } = require("node:fs")
  const [tarballs, sqlite, ...published] = process.argv.slice(1)
  const peers = new Map()
  for (const line of published) {
    const [dir, name, version] = line.split("\t")
    if (name === "@tmis/server" || name === "@tmis/testkit") continue
    console.log(`${tarballs}/${name.slice(1).replace("/", "-")}-${version}.tgz`)
    const pkg = JSON.parse(readFileSync(`${dir}/package.json`, "utf8"))
    for (const [peer, range] of Object.entries(pkg.peerDependencies ?? {})) {
      if (peers.has(peer) && peers.get(peer) !== range) {
        throw new Error(`${name} states ${peer}@${range}, another package ${peer}@${peers.get(peer)}`)
      }
      if (pkg.peerDependenciesMeta?.[peer]?.optional !== true) peers.set(peer, range)
    }
  }
  // better-sqlite3 at the version the binary mirror above has (within the range the packages state).
  for (const [peer, range] of peers) console.log(peer === "better-sqlite3" && sqlite ? `${peer}@${sqlite}` : `${peer}@${range}`)
  console.log("@types/node@^20")' "$work/tarballs" "${sqlite_version:-}" "${published[@]}") > "$work/specs"
mapfile -t specs < "$work/specs"
echo "npm install ${specs[*]#"$work/tarballs/"}"
timeout "${TMIS_INSTALL_TIMEOUT:-420}" npm install --prefer-offline --no-audit --no-fund --loglevel=error "${specs[@]}"
if [ -e node_modules/exceljs ]; then echo "exceljs was installed, though no installed package requires it"; exit 1; fi
echo "installed: $(node -p "Object.keys(require(\"./node_modules/.package-lock.json\").packages).length") packages, $(du -sh node_modules | cut -f1) ($(elapsed))"

cp "$root/scripts/install-check/program.ts" esm.mts
cp "$root/scripts/install-check/program.ts" cjs.cts
# node16: strict, and every declaration file checked (skipLibCheck off), ours and the peers'.
# nodenext: the strictest options this repository compiles with; xstate's own declarations do not pass
# exactOptionalPropertyTypes, so declaration files are skipped there.
for module in node16 nodenext; do
  if [ "$module" = node16 ]; then
    extra='"skipLibCheck": false'
  else
    extra='"exactOptionalPropertyTypes": true, "skipLibCheck": true'
  fi
  printf '{
  "compilerOptions": {
    "target": "ES2022", "lib": ["ES2023"], "module": "%s", "moduleResolution": "%s",
    "strict": true, "noUncheckedIndexedAccess": true, %s,
    "types": ["node"], "outDir": "out-%s"
  },
  "files": ["esm.mts", "cjs.cts"]
}\n' "$module" "$module" "$extra" "$module" > "tsconfig.$module.json"
  "$root/node_modules/.bin/tsc" -p "tsconfig.$module.json"
  grep -q 'require("@tmis/core")' "out-$module/cjs.cjs"
  node "out-$module/esm.mjs"
  node "out-$module/cjs.cjs"
  echo "$module: type-checked, ran as ESM and as CommonJS ($(elapsed))"
done

# 5. The storage conformance suite as a vendor runs it (docs/vendor-adapter.md): the @tmis/testkit tarball and its
#    peers at the ranges it states installed into the same project, then scripts/install-check/conformance.test.mts
#    run with vitest — some areas, against the installed SQLite adapter, with the races and the crash test in child
#    processes that run the suite's built workers from node_modules.
(cd "$root" && node -e '
  const { readFileSync } = require("node:fs")
  const [tarballs] = process.argv.slice(1)
  const pkg = JSON.parse(readFileSync("packages/testkit/package.json", "utf8"))
  console.log(`${tarballs}/tmis-testkit-${pkg.version}.tgz`)
  for (const [peer, range] of Object.entries(pkg.peerDependencies ?? {})) console.log(`${peer}@${range}`)' "$work/tarballs") > "$work/testkit-specs"
mapfile -t testkit_specs < "$work/testkit-specs"
timeout "${TMIS_INSTALL_TIMEOUT:-420}" npm install --prefer-offline --no-audit --no-fund --loglevel=error "${testkit_specs[@]}"
mkdir conformance
cp "$root/scripts/install-check/conformance.test.mts" conformance/
timeout 600 node_modules/.bin/vitest run --root conformance
echo "conformance: the installed suite passed against the installed SQLite adapter ($(elapsed))"

wait "$attw"
for file in "$work"/tarballs/*.tgz; do
  printf 'attw %s: %s\n' "${file##*/}" "$(grep -m1 -o 'No problems found' "$file.attw" || echo 'passed (only node10 resolutions failed, which the node16 profile ignores)')"
done
echo "install check passed in $(elapsed)"
