#!/usr/bin/env python3
"""Drives Debian's installed cloud-init against a running metadata-service, the way a booting node does.

Usage: nocloud-driver.py <seed-url> <work-dir> [<phase>]

Uses cloud-init's own code, nothing re-implemented:
  - DataSourceNoCloudNet with `seedfrom` = <seed-url> (util.read_seeded: meta-data, user-data, vendor-data);
  - its UserDataProcessor on user-data and vendor-data, which follows every `#include` URL;
  - the CloudConfigPartHandler merge of the resulting cloud-config parts;
  - its strict cloud-config file validator (header, YAML, schema) on every part, and the schema validator on the
    merged user and vendor configs;
  - url_helper.readurl for network-config (cloud-init 22.4 reads it only from local seeds; 24.3+ fetches it first,
    NC-15), then network_state.parse_net_config_data and the ENI renderer;
  - url_helper.readurl for every document with and without a trailing slash (NC-4b, NC-17).
Every URL cloud-init fetches is recorded (readurl wrapped, then called as is), and so is every warning cloud-init
logs (a part that fails to merge is only a warning). Prints one JSON report on stdout.
"""

import json
import os
import sys
import tempfile
import traceback

from cloudinit import distros, helpers, url_helper, util, version
from cloudinit import handlers as ci_handlers
from cloudinit.config import schema as ci_schema
from cloudinit.handlers.cloud_config import CloudConfigPartHandler
from cloudinit.net import eni, network_state
from cloudinit.sources.DataSourceNoCloud import DataSourceNoCloudNet
from warning_recorder import record_warnings  # this directory: a sibling of the script

FETCHES = []
_readurl = url_helper.readurl


def _recording_readurl(url, *args, **kwargs):
    try:
        response = _readurl(url, *args, **kwargs)
    except url_helper.UrlError as err:
        FETCHES.append({"url": url, "code": err.code, "error": str(err)})
        raise
    FETCHES.append({"url": url, "code": response.code})
    return response


url_helper.readurl = _recording_readurl


WARNINGS = record_warnings()


def validate(config):
    """Strict cloud-config schema validation: the list of problems, [] when valid."""
    try:
        ci_schema.validate_cloudconfig_schema(config, schema=ci_schema.get_schema(), strict=True)
    except ci_schema.SchemaValidationError as err:
        return [str(err)]
    return []


def check_document(payload, work):
    """A cloud-config document as `cloud-init schema --config-file` checks it: `#cloud-config` header, YAML, strict
    schema. A document with nothing after the header (NC-2 user-data, NC-16 empty groups) is the empty config: the
    file checker refuses a non-mapping outright, while cloud-init's part handler merges it as {}; it gets the schema
    check of {}."""
    config = util.load_yaml(payload, default=None)
    if config is None and payload.strip() == "#cloud-config":
        return {"config": {}, "empty": True, "schema_errors": validate({})}
    fd, path = tempfile.mkstemp(suffix=".yaml", dir=work)
    with os.fdopen(fd, "w") as handle:
        handle.write(payload)
    try:
        ci_schema.validate_cloudconfig_file(path, ci_schema.get_schema())
        errors = []
    except (ci_schema.SchemaValidationError, RuntimeError) as err:
        errors = [str(err)]
    return {"config": config, "empty": False, "schema_errors": errors}


def cloud_config_parts(message, work):
    """The non-multipart parts of a processed MIME message, cloud-config ones parsed and validated."""
    parts = []
    for part in message.walk():
        if part.is_multipart():
            continue
        payload = util.decode_binary(part.get_payload(decode=True))
        entry = {"type": part.get_content_type(), "filename": part.get_filename(), "payload": payload}
        if entry["type"] == "text/cloud-config":
            entry.update(check_document(payload, work))
        parts.append(entry)
    return parts


def merged_cloud_config(paths, message, name):
    """Merges the cloud-config parts with cloud-init's part handler, which also writes <instance>/<name>.txt."""
    handler = CloudConfigPartHandler(paths, cloud_config_path=name)
    handler.handle_part(None, ci_handlers.CONTENT_START, None, None, None, None)
    for part in message.walk():
        if part.is_multipart() or part.get_content_type() != "text/cloud-config":
            continue
        payload = util.decode_binary(part.get_payload(decode=True))
        handler.handle_part(None, part.get_content_type(), part.get_filename(), payload, None, dict(part.items()))
    merged = dict(handler.cloud_buf or {})
    handler.handle_part(None, ci_handlers.CONTENT_END, None, None, None, None)
    return merged


def include_urls(raw):
    if not raw or not raw.startswith("#include"):
        return []
    return [line.strip() for line in raw.splitlines()[1:] if line.strip() and not line.startswith("#")]


def fetch_code(url):
    """The status cloud-init's readurl sees for url (no retries)."""
    try:
        return url_helper.readurl(url, timeout=5, retries=0).code
    except url_helper.UrlError as err:
        return err.code if err.code is not None else str(err)


def main():
    seed, work = sys.argv[1], sys.argv[2]
    paths = helpers.Paths({"cloud_dir": os.path.join(work, "cloud"), "run_dir": os.path.join(work, "run")})
    distro = distros.fetch("debian")("debian", {}, paths)
    report = {"cloudinit_version": version.version_string(), "jsonschema": True}
    try:
        ci_schema.get_jsonschema_validator()
    except ImportError:
        # Without jsonschema cloud-init skips validation silently: that must fail the test, not pass it.
        report["jsonschema"] = False

    # fs_label None: no block-device probing for a cidata disk; the seed URL is the only source.
    sys_cfg = {"datasource": {"NoCloud": {"seedfrom": seed, "fs_label": None}}}
    ds = DataSourceNoCloudNet(sys_cfg, distro, paths)
    report["datasource"] = {"found": ds.get_data(), "seed": ds.seed, "dsmode": ds.dsmode}
    # As stages.Init does once a datasource is found: instance paths (cloud-config.txt) now resolve.
    paths.datasource = ds
    report["datasource"].update(
        {
            "instance_id": ds.get_instance_id(),
            "hostname": ds.get_hostname().hostname,
            "metadata": ds.metadata,
        }
    )

    user_raw = util.decode_binary(ds.get_userdata_raw())
    user = ds.get_userdata()
    user_merged = merged_cloud_config(paths, user, "cloud_config")
    report["user_data"] = {
        "raw": user_raw,
        "parts": cloud_config_parts(user, work),
        "merged": user_merged,
        "merged_schema_errors": validate(user_merged),
    }

    vendor_raw = util.decode_binary(ds.get_vendordata_raw())
    vendor = ds.get_vendordata()  # UserDataProcessor: fetches every #include URL
    merged = merged_cloud_config(paths, vendor, "vendor_cloud_config")
    report["vendor_data"] = {
        "raw": vendor_raw,
        "include_urls": include_urls(vendor_raw),
        "parts": cloud_config_parts(vendor, work),
        "merged": merged,
        "merged_schema_errors": validate(merged),
    }

    net_raw = util.decode_binary(url_helper.readurl(seed + "network-config", timeout=5, retries=0).contents)
    net_config = util.load_yaml(net_raw)
    state = network_state.parse_net_config_data(net_config, skip_broken=False)
    report["network_config"] = {
        "raw": net_raw,
        "interfaces": [
            {
                "name": iface.get("name"),
                "mac_address": iface.get("mac_address"),
                "subnets": [
                    {"type": s.get("type"), "address": s.get("address"), "prefix": s.get("prefix")}
                    for s in iface.get("subnets", [])
                ],
            }
            for iface in state.iter_interfaces()
        ],
        "eni": eni.network_state_to_eni(state),
    }

    documents = ["meta-data", "user-data", "vendor-data", "network-config"]
    report["status"] = {path: fetch_code(seed + path) for doc in documents for path in (doc, doc + "/")}
    report["fetches"] = FETCHES
    report["warnings"] = WARNINGS.messages
    return report


if __name__ == "__main__":
    try:
        result = main()
    except Exception as err:  # the report carries the failure; the exit code says it too
        result = {"error": "".join(traceback.format_exception(type(err), err, err.__traceback__)), "fetches": FETCHES}
        print(json.dumps(result, default=str))
        sys.exit(1)
    print(json.dumps(result, default=str))
