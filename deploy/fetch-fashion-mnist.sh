#!/usr/bin/env bash
# Makes Fashion-MNIST available and prints the folder that holds its four gzipped IDX files.
# Order: an existing copy; the Debian package dataset-fashion-mnist (installed when running as
# root with apt-get); the canonical download into ~/.cache/clae/fashion-mnist; else a clear
# message and exit status 1.
set -euo pipefail

DEBIAN_DIR=/usr/share/datasets/fashion-mnist
CACHE_DIR="${HOME}/.cache/clae/fashion-mnist"
URL=http://fashion-mnist.s3-website.eu-central-1.amazonaws.com
FILES=(train-images-idx3-ubyte.gz train-labels-idx1-ubyte.gz
       t10k-images-idx3-ubyte.gz t10k-labels-idx1-ubyte.gz)

complete() {
  local f
  for f in "${FILES[@]}"; do [ -s "$1/$f" ] || return 1; done
}

for dir in "$DEBIAN_DIR" "$CACHE_DIR"; do
  if complete "$dir"; then echo "$dir"; exit 0; fi
done

if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "installing the Debian package dataset-fashion-mnist" >&2
  if apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive \
      apt-get install -y -qq dataset-fashion-mnist >&2 && complete "$DEBIAN_DIR"; then
    echo "$DEBIAN_DIR"; exit 0
  fi
  echo "apt-get could not install dataset-fashion-mnist; trying the download" >&2
fi

if command -v curl >/dev/null; then
  mkdir -p "$CACHE_DIR"
  echo "downloading Fashion-MNIST from $URL into $CACHE_DIR" >&2
  ok=1
  for f in "${FILES[@]}"; do
    if ! curl -fsSL --retry 2 -o "$CACHE_DIR/$f.part" "$URL/$f" \
        || ! gzip -t "$CACHE_DIR/$f.part" 2>/dev/null; then
      ok=0; rm -f "$CACHE_DIR/$f.part"; break
    fi
    mv "$CACHE_DIR/$f.part" "$CACHE_DIR/$f"
  done
  if [ "$ok" = 1 ] && complete "$CACHE_DIR"; then echo "$CACHE_DIR"; exit 0; fi
fi

cat >&2 <<MSG
Fashion-MNIST is not available. Either install the Debian package as root:
    apt-get install dataset-fashion-mnist        (files land in $DEBIAN_DIR)
or put the four files (${FILES[*]}) into $CACHE_DIR
or into any folder and pass --set data.path=FOLDER.
MSG
exit 1
