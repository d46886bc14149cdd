"""De-identification time of DICOM (cpms.imaging.dicom.deidentify), per image
and per 100-image series, on the phantom CT the demo uploads
(cpms.imaging.phantom: 16-bit, with a hospital's identifying headers and a
private tag), uncompressed and JPEG 2000 lossless; and the thumbnail.

It measures the work the upload does in memory before anything is stored
(parse, dicognito, free-text and private-tag removal, write back); no Plone
site is needed. Prints one line per case; pass --sizes and --repeat to vary.

    .venv/bin/python benchmarks/dicom_deidentify.py
"""

import argparse
import io
import os
import platform
import statistics
import time
from datetime import UTC
from datetime import datetime

import pydicom
from pydicom.uid import JPEG2000Lossless

from cpms.imaging import dicom
from cpms.imaging import phantom


def _compress(data: bytes) -> bytes:
    dataset = pydicom.dcmread(io.BytesIO(data))
    dataset.compress(JPEG2000Lossless)
    out = io.BytesIO()
    dataset.save_as(out, enforce_file_format=True)
    return out.getvalue()


def _series_seconds(files: list[bytes], seed: str) -> float:
    start = time.perf_counter()
    for data in files:
        dicom.deidentify(data, seed)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="256,512", help="image sizes (pixels)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per case")
    args = parser.parse_args()
    print(
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {platform.processor() or 'cpu'}, "
        f"{os.cpu_count()} CPUs, load {os.getloadavg()[0]:.2f}, "
        f"pydicom {pydicom.__version__}"
    )
    for size in (int(s) for s in args.sizes.split(",")):
        plain = [data for _name, data in phantom.ct_series(100, size=size)]
        for label, files in (
            ("uncompressed", plain),
            ("JPEG 2000 lossless", [_compress(d) for d in plain[:100]]),
        ):
            runs = [_series_seconds(files, "bench-seed") for _ in range(args.repeat)]
            best, median = min(runs), statistics.median(runs)
            kib = sum(len(d) for d in files) / len(files) / 1024
            print(
                f"{size}x{size} {label} ({kib:.0f} KiB/image): "
                f"{median / len(files) * 1000:.1f} ms/image, "
                f"100-image series {median:.2f} s (best {best:.2f} s)"
            )
        start = time.perf_counter()
        for data in plain[:20]:
            dicom.thumbnail(data)
        thumb = (time.perf_counter() - start) / 20
        print(f"{size}x{size} thumbnail: {thumb * 1000:.1f} ms")


if __name__ == "__main__":
    main()
