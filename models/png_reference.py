"""Pillow's time for the very large PNG of the reliability suite's overload, the reference beside PngDecodeBenchmark.

Builds the same 7000 x 5670 16-bit RGBA PNG as TestImages.pngRgba16 (one 0x80 pixel a row moving right, filter 0,
zlib level 9: 322 377 bytes), then times, in CPU milliseconds (median of 5):
  - open + load alone (libpng-style inflate, unfilter, 16 -> 8 bit), the floor of any Pillow path;
  - the reference's whole path to each model input: premultiplied alpha (RGBa), RGB or luma, bilinear resize.

Usage: /usr/bin/python3 models/png_reference.py
"""
import io
import struct
import time
import zlib

from PIL import Image

WIDTH, HEIGHT = 7000, 5670
REPEATS = 5


def chunk(kind, data):
    return struct.pack('>I', len(data)) + kind + data + struct.pack('>I', zlib.crc32(kind + data) & 0xffffffff)


def overload_png():
    deflate = zlib.compressobj(9)
    idat = []
    row = bytearray(1 + WIDTH * 8)
    for y in range(HEIGHT):
        at = 1 + (y % WIDTH) * 8
        row[at:at + 8] = b'\x80' * 8
        idat.append(deflate.compress(bytes(row)))
        row[at:at + 8] = b'\x00' * 8
    idat.append(deflate.flush())
    header = struct.pack('>IIBBBBB', WIDTH, HEIGHT, 16, 6, 0, 0, 0)
    return (b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', header) + chunk(b'IDAT', b''.join(idat))
            + chunk(b'IEND', b''))


def median_cpu_ms(work):
    times = []
    for _ in range(REPEATS):
        start = time.process_time()
        work()
        times.append((time.process_time() - start) * 1000)
    return sorted(times)[REPEATS // 2]


def main():
    Image.MAX_IMAGE_PIXELS = None
    png = overload_png()
    print(f'{len(png)} bytes, {WIDTH}x{HEIGHT} 16-bit RGBA')

    def load():
        image = Image.open(io.BytesIO(png))
        image.load()
        return image

    print(f'open + load: {median_cpu_ms(load):.0f} ms')
    for size, mode in (((28, 28), 'L'), ((224, 224), 'RGB')):
        def to_input():
            upright = load().convert('RGBa').convert('RGB')
            (upright.convert('L') if mode == 'L' else upright).resize(size, Image.BILINEAR)
        print(f'to {size[0]}x{size[1]} {mode}: {median_cpu_ms(to_input):.0f} ms')


if __name__ == '__main__':
    main()
