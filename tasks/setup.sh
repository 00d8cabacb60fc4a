#!/usr/bin/env bash
# Sets xlir up on a fresh Debian machine that has Node.js 20 and npm:
#   1. Debian packages (FreeDict lexicons, Mesa's Vulkan driver, a CJK font,
#      Jupyter, Chromium) — skipped for those already installed;
#   2. npm ci (Deno itself comes from the npm package `deno`, pinned);
#   3. deno install --frozen (the npm: imports of deno.json, from deno.lock).
# Idempotent: a second run does nothing but check. XLIR_SKIP_APT=1 skips step 1.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(
  # bilingual lexicons for the aligned base model (dictd .index + .dict.dz)
  dict-freedict-eng-ara dict-freedict-ara-eng dict-freedict-eng-deu dict-freedict-deu-eng
  dict-freedict-eng-ell dict-freedict-ell-eng dict-freedict-eng-hin dict-freedict-eng-rus
  dict-freedict-eng-spa dict-freedict-spa-eng dict-freedict-eng-tur dict-freedict-tur-eng
  # software-domain parallel text (lib/data/libreoffice_{help,ui}.ts): LibreOffice's help pages
  # (no ar/th help in bookworm; en-us is the English source) and UI catalogs; gettext
  # catalogs (lib/data/gettext.ts) come with the packages already on the image
  libreoffice-help-en-us libreoffice-help-de libreoffice-help-el libreoffice-help-es
  libreoffice-help-hi libreoffice-help-ru libreoffice-help-tr libreoffice-help-vi
  libreoffice-help-zh-cn
  libreoffice-l10n-ar libreoffice-l10n-de libreoffice-l10n-el libreoffice-l10n-es
  libreoffice-l10n-hi libreoffice-l10n-ru libreoffice-l10n-th libreoffice-l10n-tr
  libreoffice-l10n-vi libreoffice-l10n-zh-cn
  # software Vulkan for the WebGPU backend's tests (adapter "llvmpipe")
  mesa-vulkan-drivers
  # glyphs for figures in all 11 languages (CJK, Devanagari, Thai); rsvg-convert as a PNG fallback
  fonts-wqy-microhei fonts-lohit-deva fonts-tlwg-loma-ttf librsvg2-bin
  # Jupyter's client for executing the notebooks headless, nbconvert for their HTML (deno task
  # nbhtml), Jupyter Notebook for interactive runs (deno task jupyter)
  jupyter-client python3-nbclient jupyter-nbconvert python3-ipykernel jupyter-notebook
  # a real browser for the HTML check of the executed notebooks (deno task nbhtml --browser)
  chromium
  # the benchmark's peers (deno task bench): PyTorch and faiss on OpenBLAS
  python3-torch python3-faiss libopenblas0-pthread python3-threadpoolctl
  # the independent reference of the XLM-R tokenizer tests (SentencePiece's own library)
  python3-sentencepiece
)

if [ "${XLIR_SKIP_APT:-0}" != 1 ]; then
  missing=()
  for p in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    sudo=""
    [ "$(id -u)" = 0 ] || sudo="sudo"
    echo "setup: apt-get install ${missing[*]}" >&2
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
  fi
fi

if [ ! -x node_modules/.bin/deno ] || ! cmp -s package-lock.json node_modules/.package-lock.json 2>/dev/null; then
  echo "setup: npm ci" >&2
  npm ci --no-audit --no-fund --loglevel=error >&2
fi
node_modules/.bin/deno install --frozen --quiet >&2
echo "setup: ok ($(node_modules/.bin/deno --version | head -1))" >&2
