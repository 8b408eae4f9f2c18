#!/usr/bin/env bash
# Install everything pbgen needs on a fresh Debian machine: system packages (when root),
# then a virtual environment in .venv with pbgen and its test tools.
#   scripts/setup.sh        what rendering needs: CJK fonts, HarfBuzz subsetting (PDF writing is
#                           ~25x slower without it), poppler (the tests read PDFs with it), and
#                           LibreOffice Writer with its Python (python3-uno), which lays out each
#                           DOCX so its 目录 carries the DOCX's own page numbers
#   scripts/setup.sh test   the same, plus LibreOffice Calc (the tests open every XLSX), Chromium,
#                           yaml-language-server, Neovim, and the VS Code extension's npm
#                           packages (vscode-languageclient, @vscode/vsce to build the .vsix)
set -euo pipefail
cd "$(dirname "$0")/.."

SYSTEM_PACKAGES=(
  python3-venv
  fonts-noto-cjk          # Noto Serif/Sans CJK SC: free fallbacks for 仿宋/宋体, 黑体, 小标宋
  fonts-lxgw-wenkai       # LXGW WenKai: free fallback for 楷体
  fonts-hanazono          # HanaMinA/B: CJK Extensions A–F, the rare characters of names (𠀀, 𪚥)
  libharfbuzz-subset0     # fast font subsetting for WeasyPrint
  poppler-utils           # pdftotext, pdffonts, pdftoppm: the tests and benchmarks read PDFs
  qpdf
  libreoffice-writer-nogui  # lays out each DOCX once: its 目录 gets the DOCX's own page numbers
  python3-uno             # LibreOffice's Python: one LibreOffice kept for a batch (pbgen/office_pool.py)
)
if [ "${1:-}" = "test" ]; then
  SYSTEM_PACKAGES+=(
    libreoffice-calc-nogui  # the tests open every XLSX
    fonts-crosextra-carlito  # Calibri's metrics: the XLSX column widths as Excel measures them
    chromium chromium-driver  # the tests drive the pbgen watch page in a real browser
    neovim                  # the tests drive Debian's Neovim against pbgen lsp (README's settings)
  )
  # yaml-language-server as editors run it; the VS Code extension under Node, and vsce
  command -v npm >/dev/null || SYSTEM_PACKAGES+=(nodejs npm)
fi

missing=()
for package in "${SYSTEM_PACKAGES[@]}"; do
  dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
done
if ((${#missing[@]})) && command -v apt-get >/dev/null; then
  if [ "$(id -u)" -eq 0 ]; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
  else
    echo "setup: missing system packages: ${missing[*]} (run as root, or: sudo apt-get install ${missing[*]})" >&2
  fi
fi

# The Fandol fonts (FandolFang 仿宋, FandolKai 楷体, FandolHei 黑体, FandolSong 宋体; GPL with the
# font exception, so documents that embed them carry no licence terms). Debian ships them only
# inside texlive-lang-chinese: the package is downloaded and just the font files taken from it,
# without installing TeX. They are the 仿宋 of a machine without the official fonts.
if [ "$(id -u)" -eq 0 ]; then fandoldir=/usr/local/share/fonts/fandol; else fandoldir="$HOME/.local/share/fonts/fandol"; fi
if [ ! -f "$fandoldir/FandolFang-Regular.otf" ] && command -v apt-get >/dev/null; then
  debdir=$(mktemp -d)
  download() { (cd "$debdir" && apt-get download -qq texlive-lang-chinese >/dev/null 2>&1); }
  if download || { [ "$(id -u)" -eq 0 ] && apt-get update -qq && download; }; then
    dpkg-deb -x "$debdir"/texlive-lang-chinese_*.deb "$debdir/root"
    mkdir -p "$fandoldir"
    cp "$debdir"/root/usr/share/texlive/texmf-dist/fonts/opentype/public/fandol/Fandol{Fang,Kai,Hei,Song}-*.otf "$fandoldir/"
    cp "$debdir"/root/usr/share/doc/texlive-doc/fonts/fandol/{README,COPYING.gz} "$fandoldir/"
    fc-cache "$fandoldir" >/dev/null 2>&1 || true
  else
    echo "setup: could not download texlive-lang-chinese for the Fandol fonts (run apt-get update); 仿宋 falls back to Noto Serif CJK" >&2
  fi
  rm -rf "$debdir"
fi

# Official font names → free fallbacks, for every program that asks fontconfig (LibreOffice).
fontconf=scripts/fontconfig/65-pbgen-official-fonts.conf
if [ "$(id -u)" -eq 0 ]; then fontdir=/etc/fonts/conf.d; else fontdir="$HOME/.config/fontconfig/conf.d"; fi
mkdir -p "$fontdir"
if ! cmp -s "$fontconf" "$fontdir/$(basename "$fontconf")"; then
  cp "$fontconf" "$fontdir/" && fc-cache -f >/dev/null 2>&1 || true
fi

python3 -m venv .venv
.venv/bin/pip install --quiet --upgrade pip
.venv/bin/pip install --quiet -e '.[test]'

# The editor the schema tests speak to: yaml-language-server, at the version tests/tools pins;
# the VS Code extension's packages (editors/vscode/package-lock.json): `npm run package` there
# rebuilds pbgen/editors/pbgen.vsix, which is committed (and shipped in the wheel).
if [ "${1:-}" = "test" ]; then
  (cd tests/tools && npm ci --silent --no-audit --no-fund --loglevel=error)
  (cd editors/vscode && npm ci --silent --no-audit --no-fund --loglevel=error)
fi

# GB 2312 subsets of those fonts, which the fallbacks above name first: PDFs are written faster
# and with less memory (scripts/subset_fonts.py says why).
if [ "$(id -u)" -eq 0 ]; then subsetdir=/usr/local/share/fonts/pbgen; else subsetdir="$HOME/.local/share/fonts/pbgen"; fi
if [ ! -d "$subsetdir" ] || [ scripts/subset_fonts.py -nt "$subsetdir" ]; then
  .venv/bin/python scripts/subset_fonts.py "$subsetdir" && touch "$subsetdir"
  fc-cache "$subsetdir" >/dev/null 2>&1 || true
fi
echo "setup: ready ($(.venv/bin/pbgen --version))"
