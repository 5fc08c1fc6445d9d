#!/usr/bin/env bash
# Re-create the third-party front-end assets under static/vendor/ from pinned
# npm package versions.
#
# The files this writes are committed: the portal serves them from static/ at
# run time and needs neither npm nor network access to run. Run this script only
# to update a dependency: change a version + integrity pin below, run it, review
# `git diff --stat static/vendor`, look at the pages, commit.
#
#   tools/vendor-assets.sh          # fetch pinned tarballs, rewrite static/vendor
#
# Needs: bash, npm (registry access), node, tar. Writes nothing outside
# static/vendor/ except a temporary directory that is removed afterwards.
#
# What it does, per package: `npm pack` the exact version into a temp dir,
# verify the tarball's sha512 against the pin, then copy only the built files
# the portal needs plus the package's licence file(s).
#
# Intranet rule: nothing the browser loads may point outside the intranet. The
# CSS is therefore post-processed and checked:
#   * inline SVG data: URIs are re-encoded as base64 (the plain-text form carries
#     the SVG namespace string "http://www.w3.org/2000/svg", which is not a
#     request but trips simple `grep http` audits);
#   * the script FAILS if any vendored CSS still contains "http", "@import", or a
#     url() that is neither a data: URI nor a relative path.
# Web fonts (Noto Sans / Noto Serif / Noto Sans Mono, referenced by the
# Voorbeeld theme) are vendored as woff2 from @fontsource (SIL OFL 1.1) and
# declared in static/vendor/fonts.css with relative URLs.

set -euo pipefail

# --- pinned versions (package@version  sha512 integrity from the registry) ---
UTRECHT_CSS_PKG="@utrecht/component-library-css@9.0.4"
UTRECHT_CSS_SRI="sha512-gVA7D6GfP9/+fzehkYLSBR+0UPUTA97PZmgvTYQE88lPQhHGMlUk8FjmCpLKRsRC9hAYd32JuF/KzG6fmBfjJA=="

THEME_PKG="@nl-design-system-unstable/voorbeeld-design-tokens@7.4.1"
THEME_SRI="sha512-GNnapAn2mTIzXRcCvs0JMr4Bf9+ivUJ3zFBJLRT1SYpAYm2xPwptVxIM3k4WLJ0c59E9FfxsEBPJluGuAHUVvg=="

AXE_PKG="axe-core@4.14.1"
AXE_SRI="sha512-FHfa+lmNjQZfJz1q8wKqIDwC6DExcHt/pkjNQb09a3NPjCKg2rhu5qb2S4r76ASyFNNtuFooJpZe37OgudVGtQ=="

NOTO_SANS_PKG="@fontsource/noto-sans@5.2.10"
NOTO_SANS_SRI="sha512-J58RVfS/C0Z2VBF+PoU260Tx8cdRGYuS+e3yQe4hYaIYDl0sEVn5CzlLo5zVRvQD0HaIUTV8AZMfqR7rtdEpqQ=="

NOTO_SERIF_PKG="@fontsource/noto-serif@5.2.6"
NOTO_SERIF_SRI="sha512-mEGeD/duOwgEJooUsXpdCz3WdBJBfm7LEP2XQz/OSBXxj/GVwisULiOH2B7oL2tLBT6EGKTzZfmJAo6ZzOG0+w=="

NOTO_MONO_PKG="@fontsource/noto-sans-mono@5.2.10"
NOTO_MONO_SRI="sha512-YG3ev3Bc24UGd1x0THgtU3LG1j+sKahhDgo0vTpEfB0wkXD1+tGSq1fJD+QqnYLXjPhMRNe0ZKWoUi1MPH7Qdg=="

# Font faces to vendor: "<weight>:<style>" per family. The theme uses weights
# 400 (text) and 700 (bold text, all headings); headings use Noto Serif.
NOTO_SANS_FACES="400:normal 400:italic 700:normal 700:italic"
NOTO_SERIF_FACES="700:normal"
NOTO_MONO_FACES="400:normal"
# Unicode subsets: latin covers Dutch (incl. ë, é, ï, ĳ ligature via U+0132/3
# in latin-ext); latin-ext covers names like Ş, ğ, ł, ő. Browsers download a
# subset only when a page contains characters from its unicode-range.
FONT_SUBSETS="latin latin-ext"

# --------------------------------------------------------------------------

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENDOR="$ROOT/static/vendor"

for tool in npm node tar; do
  command -v "$tool" >/dev/null || { echo "vendor-assets: '$tool' not found" >&2; exit 1; }
done

TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT

# fetch PKG@VERSION SRI -> prints the extracted package directory
fetch() {
  local spec="$1" sri="$2" json tgz got dir
  json="$(cd "$TMP" && npm pack "$spec" --json --pack-destination "$TMP" 2>/dev/null)"
  tgz="$(node -e 'const j=JSON.parse(process.argv[1]);process.stdout.write(j[0].filename)' "$json")"
  got="$(node -e 'const j=JSON.parse(process.argv[1]);process.stdout.write(j[0].integrity)' "$json")"
  if [[ "$got" != "$sri" ]]; then
    echo "vendor-assets: integrity mismatch for $spec" >&2
    echo "  expected $sri" >&2
    echo "  got      $got" >&2
    exit 1
  fi
  dir="$TMP/x-${tgz%.tgz}"
  mkdir -p "$dir"
  tar -xzf "$TMP/$(basename "$tgz")" -C "$dir"
  printf '%s\n' "$dir/package"
}

# Directory name for a package inside static/vendor: npm's tarball naming,
# e.g. @utrecht/component-library-css -> utrecht-component-library-css
vname() { local n="${1%@*}"; n="${n#@}"; printf '%s\n' "${n//\//-}"; }

# Re-encode non-base64 SVG data: URIs as base64 (in place).
base64_svg_data_uris() {
  node - "$1" <<'NODE'
const fs = require('fs');
const file = process.argv[2];
let css = fs.readFileSync(file, 'utf8');
css = css.replace(/url\(\s*(["']?)data:image\/svg\+xml(;utf8)?,(.*?)\1\s*\)/g, (m, q, utf8, body) => {
  const svg = decodeURIComponent(body);
  return `url("data:image/svg+xml;base64,${Buffer.from(svg, 'utf8').toString('base64')}")`;
});
fs.writeFileSync(file, css);
NODE
}

# Fail if a CSS file could make the browser leave the intranet.
audit_css() {
  node - "$@" <<'NODE'
const fs = require('fs');
let bad = 0;
for (const file of process.argv.slice(2)) {
  const css = fs.readFileSync(file, 'utf8');
  const report = (what) => { console.error(`vendor-assets: ${file}: ${what}`); bad = 1; };
  if (/@import/i.test(css)) report('contains @import');
  if (/http/i.test(css)) report('contains "http"');
  if (/\/\/[a-z0-9.-]+\.[a-z]{2,}\//i.test(css.replace(/\/\*[\s\S]*?\*\//g, ''))) report('contains a protocol-relative URL');
  for (const m of css.matchAll(/url\(\s*(["']?)(.*?)\1\s*\)/g)) {
    const target = m[2];
    if (target.startsWith('data:')) continue;
    if (/^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith('//') || target.startsWith('/')) {
      report(`non-relative url(${target})`);
    }
  }
}
process.exit(bad);
NODE
}

echo "vendor-assets: writing $VENDOR"
rm -rf "$VENDOR"
mkdir -p "$VENDOR"

# --- NL Design System: Utrecht component library CSS ----------------------
src="$(fetch "$UTRECHT_CSS_PKG" "$UTRECHT_CSS_SRI")"
dst="$VENDOR/$(vname "$UTRECHT_CSS_PKG")"
mkdir -p "$dst"
cp "$src/dist/index.css" "$dst/index.css"   # all components, class-based (.utrecht-*)
cp "$src/dist/html.css" "$dst/html.css"     # optional: plain HTML elements inside .utrecht-html
cp "$src/LICENSE.md" "$dst/LICENSE.md"

# --- NL Design System: Voorbeeld theme (design tokens as CSS variables) ---
src="$(fetch "$THEME_PKG" "$THEME_SRI")"
dst="$VENDOR/$(vname "$THEME_PKG")"
mkdir -p "$dst"
cp "$src/dist/theme.css" "$dst/theme.css"   # custom properties scoped to .voorbeeld-theme
cp "$src/LICENSE.md" "$dst/LICENSE.md"

# --- axe-core (injected by the browser tests; never linked from pages) ----
src="$(fetch "$AXE_PKG" "$AXE_SRI")"
dst="$VENDOR/$(vname "$AXE_PKG")"
mkdir -p "$dst"
cp "$src/axe.min.js" "$src/LICENSE" "$src/LICENSE-3RD-PARTY.txt" "$dst/"

# --- Fonts (@fontsource, SIL OFL 1.1) -> static/vendor/fonts.css ----------
FONTS_CSS="$VENDOR/fonts.css"
{
  echo "/*"
  echo " * Web fonts used by the NL Design System Voorbeeld theme, served from static/."
  echo " * Generated by tools/vendor-assets.sh from @fontsource packages; do not edit."
  echo " * Fonts: SIL Open Font License 1.1; see the LICENSE file in each fontsource-* directory."
  echo " */"
} > "$FONTS_CSS"

vendor_font() {  # PKG SRI "FACES"
  local spec="$1" sri="$2" faces="$3" src dst name face weight style subset
  src="$(fetch "$spec" "$sri")"
  name="$(vname "$spec")"
  dst="$VENDOR/$name"
  mkdir -p "$dst/files"
  cp "$src/LICENSE" "$dst/LICENSE"
  for face in $faces; do
    weight="${face%%:*}"; style="${face##*:}"
    local css_in="$src/$weight.css"
    [[ "$style" == "italic" ]] && css_in="$src/$weight-italic.css"
    for subset in $FONT_SUBSETS; do
      node - "$css_in" "$subset" "$weight" "$style" "$name" >>"$FONTS_CSS" <<'NODE'
const fs = require('fs');
const [file, subset, weight, style, dir] = process.argv.slice(2);
const css = fs.readFileSync(file, 'utf8');
// @fontsource blocks look like: /* noto-sans-latin-400-normal */ @font-face {...}
const re = /\/\*\s*([a-z0-9-]+)\s*\*\/\s*@font-face\s*\{([^}]*)\}/g;
let found = false;
for (const m of css.matchAll(re)) {
  const label = m[1];
  if (!label.endsWith(`-${subset}-${weight}-${style}`)) continue;
  let body = m[2];
  const woff2 = body.match(/url\(\.\/files\/([^)]+\.woff2)\)/);
  if (!woff2) throw new Error(`no woff2 in ${label}`);
  body = body.replace(/src:[^;]*;/, `src: url(./${dir}/files/${woff2[1]}) format('woff2');`);
  process.stdout.write(`\n/* ${label} */\n@font-face {${body}}\n`);
  found = true;
}
if (!found) throw new Error(`no @font-face for ${subset} ${weight} ${style} in ${file}`);
NODE
      local label_prefix
      label_prefix="$(basename "$name" | sed 's/^fontsource-//')"
      cp "$src/files/$label_prefix-$subset-$weight-$style.woff2" "$dst/files/"
    done
  done
}
vendor_font "$NOTO_SANS_PKG" "$NOTO_SANS_SRI" "$NOTO_SANS_FACES"
vendor_font "$NOTO_SERIF_PKG" "$NOTO_SERIF_SRI" "$NOTO_SERIF_FACES"
vendor_font "$NOTO_MONO_PKG" "$NOTO_MONO_SRI" "$NOTO_MONO_FACES"

# --- sanitise + audit all vendored CSS -------------------------------------
mapfile -t CSS_FILES < <(find "$VENDOR" -name '*.css' | sort)
for f in "${CSS_FILES[@]}"; do base64_svg_data_uris "$f"; done
audit_css "${CSS_FILES[@]}"

# --- provenance -------------------------------------------------------------
{
  echo "# Vendored front-end assets"
  echo
  echo "Generated by \`tools/vendor-assets.sh\`; do not edit by hand. Served as-is from"
  echo "static/ (no CDN, no external requests). To update: change the pins in the"
  echo "script, run it, review the diff and the pages, commit."
  echo
  echo "| directory | npm package | licence |"
  echo "| --- | --- | --- |"
  echo "| utrecht-component-library-css/ | $UTRECHT_CSS_PKG | EUPL-1.2 |"
  echo "| nl-design-system-unstable-voorbeeld-design-tokens/ | $THEME_PKG | EUPL-1.2 |"
  echo "| axe-core/ | $AXE_PKG (test-only, not linked from pages) | MPL-2.0 |"
  echo "| fontsource-noto-sans/ | $NOTO_SANS_PKG ($NOTO_SANS_FACES) | OFL-1.1 |"
  echo "| fontsource-noto-serif/ | $NOTO_SERIF_PKG ($NOTO_SERIF_FACES) | OFL-1.1 |"
  echo "| fontsource-noto-sans-mono/ | $NOTO_MONO_PKG ($NOTO_MONO_FACES) | OFL-1.1 |"
  echo
  echo "fonts.css declares the vendored woff2 files (subsets: $FONT_SUBSETS)."
  echo "SVG data: URIs in the CSS were re-encoded as base64; content is unchanged."
} > "$VENDOR/README.md"

echo "vendor-assets: done"
find "$VENDOR" -type f | sed "s|$ROOT/||" | sort
