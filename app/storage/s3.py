"""Uploads in an S3-compatible object store (AWS, MinIO, Ceph, OSS/COS gateways): what
several application nodes share.

Credentials are boto3's own business (``AWS_ACCESS_KEY_ID``/``AWS_SECRET_ACCESS_KEY``, a
profile, an instance role): they never pass through the app's settings.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
from boto3.s3.transfer import TransferConfig
from botocore.config import Config
from botocore.exceptions import ClientError

from app.storage.base import CHUNK, HashingReader, Missing, Opened, Readable

# Files up to 8 MB go in one PUT; larger ones in 8 MB parts, a few at a time, so that an
# upload holds a bounded amount in memory whatever the file's size.
TRANSFER = TransferConfig(
    multipart_threshold=8 * 1024 * 1024, multipart_chunksize=8 * 1024 * 1024, max_concurrency=4
)
_NOT_FOUND = {"404", "NoSuchKey", "NotFound"}


class S3Storage:
    def __init__(
        self,
        bucket: str,
        prefix: str = "",
        *,
        endpoint_url: str = "",
        region: str = "",
        addressing_style: str = "auto",
        client: Any = None,
    ):
        self.bucket = bucket
        self.prefix = prefix.strip("/") + "/" if prefix.strip("/") else ""
        self.endpoint_url = endpoint_url
        self.client = client or boto3.client(
            "s3",
            endpoint_url=endpoint_url or None,
            region_name=region or None,
            config=Config(
                s3={"addressing_style": addressing_style},
                # A store that stops answering costs a request seconds, not minutes.
                connect_timeout=5,
                read_timeout=30,
                retries={"max_attempts": 3, "mode": "standard"},
            ),
        )

    def _name(self, key: str) -> str:
        if not key or key.startswith("/") or ".." in key.split("/"):
            raise ValueError(f"not a storage key: {key!r}")
        return self.prefix + key

    def put(self, key: str, stream: Readable) -> tuple[int, str]:
        # A reader without seek(): boto3 consumes it once, in order (part by part for a large
        # file), so the checksum is of exactly the bytes sent. A failed multipart upload is
        # aborted by boto3, leaving nothing under the key.
        reader = HashingReader(stream)
        self.client.upload_fileobj(reader, self.bucket, self._name(key), Config=TRANSFER)
        return reader.size, reader.digest.hexdigest()

    def open(self, key: str) -> Opened:
        try:
            answer = self.client.get_object(Bucket=self.bucket, Key=self._name(key))
        except ClientError as error:
            if _code(error) in _NOT_FOUND:
                raise Missing(key) from None
            raise
        body = answer["Body"]
        return Opened(answer["ContentLength"], body.iter_chunks(CHUNK), body.close)

    def delete(self, key: str) -> None:
        self.client.delete_object(Bucket=self.bucket, Key=self._name(key))

    def exists(self, key: str) -> bool:
        try:
            self.client.head_object(Bucket=self.bucket, Key=self._name(key))
        except ClientError as error:
            if _code(error) in _NOT_FOUND:
                return False
            raise
        return True

    def all_keys(self, prefix: str = "") -> Iterator[str]:
        pages = self.client.get_paginator("list_objects_v2").paginate(
            Bucket=self.bucket, Prefix=self.prefix + prefix
        )
        for page in pages:
            for item in page.get("Contents", ()):
                yield item["Key"][len(self.prefix) :]

    def local_path(self, key: str) -> Path | None:
        return None

    def describe(self) -> str:
        where = f"s3://{self.bucket}/{self.prefix}"
        return f"{where} at {self.endpoint_url}" if self.endpoint_url else where


def _code(error: ClientError) -> str:
    return str(error.response.get("Error", {}).get("Code", ""))
