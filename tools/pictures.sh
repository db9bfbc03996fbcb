#!/bin/sh
# Remakes the README's pictures from a real run of the current code (`make pictures` runs `make demo` first):
#   docs/report-example.png  the month's report page, demo/out/<month>/report.html, whole, in headless Chromium
#   docs/list-example.png    one town's list, demo/out/<month>/towns/<town>.xlsx, through LibreOffice (PDF) and pdftoppm
# Installs what is missing (chromium, fonts-noto-cjk, libreoffice-calc, poppler-utils) with apt-get, as the
# Makefile's deps target does. Settings: DEMO_DIR (demo), DEMO_MONTH (2021-05), PICTURE_TOWN (锦和镇),
# PICTURE_WIDTH (1100, CSS pixels of the report's window).
set -eu

DEMO_DIR=${DEMO_DIR:-demo}
DEMO_MONTH=${DEMO_MONTH:-2021-05}
TOWN=${PICTURE_TOWN:-锦和镇}
WIDTH=${PICTURE_WIDTH:-1100}
OUT_DIR=docs
MONTH_DIR="$DEMO_DIR/out/$DEMO_MONTH"

[ -f "$MONTH_DIR/report.html" ] || { echo "pictures: no $MONTH_DIR/report.html: run make demo first" >&2; exit 1; }
[ -f "$MONTH_DIR/towns/$TOWN.xlsx" ] || { echo "pictures: no list for $TOWN in $MONTH_DIR/towns/ (set PICTURE_TOWN)" >&2; exit 1; }

# What the pictures need, installed when missing (Debian package → a file it brings).
missing=""
for pair in chromium:/usr/bin/chromium fonts-noto-cjk:/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc \
            libreoffice-calc:/usr/bin/soffice poppler-utils:/usr/bin/pdftoppm; do
  pkg=${pair%%:*}; file=${pair#*:}
  [ -e "$file" ] || missing="$missing $pkg"
done
if [ -n "$missing" ]; then
  echo "pictures: installing:$missing"
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
  $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq $missing
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT INT TERM
# Chromium and LibreOffice keep profiles under HOME: a throwaway one, so nothing of the user's is touched.
export HOME="$work/home"
mkdir -p "$HOME"
abs() { case "$1" in /*) printf '%s\n' "$1" ;; *) printf '%s/%s\n' "$(pwd)" "$1" ;; esac; }

chrome() {
  # --no-sandbox: Chromium refuses to run as root without it (this only opens our own page)
  chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --force-device-scale-factor=1 \
    --user-data-dir="$work/chrome" "$@" 2>/dev/null
}

# 1. The report page, whole. Chromium's --screenshot takes the window, so the page's height is measured
#    first, in a copy that writes it into the DOM, and the window is made that tall.
report=$(abs "$MONTH_DIR/report.html")
sed 's#</body>#<script>document.body.setAttribute("data-height", Math.ceil(document.documentElement.scrollHeight))</script></body>#' \
  "$report" > "$work/measure.html"
height=$(chrome --window-size="$WIDTH,800" --dump-dom "file://$work/measure.html" |
  sed -n 's/.*data-height="\([0-9]*\)".*/\1/p' | head -n 1)
case "$height" in ''|*[!0-9]*) echo "pictures: could not measure the report page's height" >&2; exit 1 ;; esac
chrome --window-size="$WIDTH,$height" --screenshot="$work/report.png" "file://$report" >/dev/null
cp "$work/report.png" "$OUT_DIR/report-example.png"
echo "pictures: $OUT_DIR/report-example.png (${WIDTH}×${height}, $(wc -c < "$OUT_DIR/report-example.png") bytes)"

# 2. One town's list: the sheet on one page (LibreOffice's SinglePageSheets), that page as PNG, and the PNG
#    cut in two strips stacked one above the other (a list is about 380 characters wide): the household and
#    its figures up to 发现方式, then 预警依据 to the cadres' empty columns. The cut is at SPLIT_PT points of
#    the page, in the blank between 发现方式 and 预警依据 (the columns' widths are fixed by the list).
SPLIT_PT=1450
DPI=96
cp "$MONTH_DIR/towns/$TOWN.xlsx" "$work/list.xlsx"
soffice --headless --norestore --nolockcheck \
  --convert-to 'pdf:calc_pdf_Export:{"SinglePageSheets":{"type":"boolean","value":"true"}}' \
  --outdir "$work" "$work/list.xlsx" >/dev/null 2>&1
[ -f "$work/list.pdf" ] || { echo "pictures: LibreOffice made no PDF of $TOWN.xlsx" >&2; exit 1; }
pdftoppm -png -r "$DPI" -f 1 -l 1 -singlefile "$work/list.pdf" "$work/list"
# the PNG's width and height, from its IHDR chunk
set -- $(od -An -tu1 -j16 -N8 "$work/list.png")
full_w=$(( ($1 << 24) + ($2 << 16) + ($3 << 8) + $4 )); h=$(( ($5 << 24) + ($6 << 16) + ($7 << 8) + $8 ))
cut=$(( SPLIT_PT * DPI / 72 ))
[ "$cut" -lt "$full_w" ] || cut=$full_w
rest=$(( full_w - cut ))
gap=14
cat > "$work/list.html" <<HTML
<!doctype html><html><body style="margin:0;background:#fff">
<div style="width:${cut}px;height:${h}px;background:url(list.png) 0 0 no-repeat"></div>
<div style="height:$(( gap / 2 ))px;border-bottom:1px dashed #aaa;margin-bottom:$(( gap / 2 - 1 ))px"></div>
<div style="width:${rest}px;height:${h}px;background:url(list.png) -${cut}px 0 no-repeat"></div>
</body></html>
HTML
chrome --window-size="$cut,$(( 2 * h + gap ))" --screenshot="$work/list-stacked.png" "file://$work/list.html" >/dev/null
cp "$work/list-stacked.png" "$OUT_DIR/list-example.png"
echo "pictures: $OUT_DIR/list-example.png ($TOWN, ${cut}×$(( 2 * h + gap )), $(wc -c < "$OUT_DIR/list-example.png") bytes)"
