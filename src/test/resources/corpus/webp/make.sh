#!/bin/sh
# Remakes the WebP files of the decoder corpus (dev.jepascore.image.Corpus) with libwebp's own tools (Debian's
# `webp` package: cwebp, img2webp), since no Java library here writes WebP. Sources: PNGs written by Sources.java
# (pictures with gradients, shapes and noise; an alpha channel for the *-alpha files). Run from this directory.
set -eu
src=$(mktemp -d)
java Sources.java "$src"
rm -rf ./*.webp index.txt reference
for size in 1x1 7x5 33x17 301x199; do
  cwebp -quiet -q 30 "$src/rgb-$size.png" -o "lossy-q30-$size.webp"
  cwebp -quiet -q 90 -sharp_yuv "$src/rgb-$size.png" -o "lossy-q90-$size.webp"
  cwebp -quiet -lossless "$src/rgb-$size.png" -o "lossless-$size.webp"
  cwebp -quiet -q 75 "$src/rgba-$size.png" -o "lossy-alpha-$size.webp"
  cwebp -quiet -lossless "$src/rgba-$size.png" -o "lossless-alpha-$size.webp"
  img2webp -loop 0 -lossy -q 60 "$src/rgb-$size.png" -d 100 "$src/rgba-$size.png" -o "animated-lossy-$size.webp" >/dev/null
  img2webp -loop 0 -lossless "$src/rgba-$size.png" -d 100 "$src/rgb-$size.png" -o "animated-lossless-$size.webp" >/dev/null
done
ls ./*.webp | sed 's|^\./||' > index.txt
# The reference decode of each: libwebp's own full-resolution decoder (dwebp), as PNG; of an animated file, its
# first frame (webpmux extracts it as a still WebP).
mkdir -p reference
for f in ./*.webp; do
  name=${f#./}
  case "$name" in
    animated-*) webpmux -get frame 1 "$name" -o "$src/frame.webp" && dwebp -quiet "$src/frame.webp" -o "reference/$name.png" ;;
    *) dwebp -quiet "$name" -o "reference/$name.png" ;;
  esac
done
rm -r "$src"
