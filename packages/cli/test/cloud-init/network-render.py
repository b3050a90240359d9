#!/usr/bin/env python3
"""Turns a node's /network-config into system configuration with Debian's installed cloud-init, as a booting node does.

Usage: network-render.py <url> <client-address> <work-dir>

Uses cloud-init's own code, nothing re-implemented:
  - url_helper.readurl for the document (the client address goes in X-Forwarded-For: the test talks to the server over
    its loopback, a trusted proxy by default, so the server resolves the node as it would the node itself);
  - util.load_yaml (cloud-init's safe YAML loader) and network_state.parse_net_config_data, strict (skip_broken=False);
  - the netplan renderer (Ubuntu) and the sysconfig renderer with the RHEL distro's settings (Rocky, Alma, RHEL: the
    usual HPC systems) into <work-dir>/netplan and <work-dir>/sysconfig.
Prints one JSON report on stdout: the raw document, cloud-init's parsed interfaces and every file each renderer wrote.
"""

import json
import os
import sys
import traceback

from cloudinit import url_helper, util, version
from cloudinit.distros import rhel
from cloudinit.net import netplan, network_state, sysconfig
from warning_recorder import record_warnings  # this directory: a sibling of the script


WARNINGS = record_warnings()


def files_under(root):
    out = {}
    for directory, _, names in os.walk(root):
        for name in names:
            path = os.path.join(directory, name)
            with open(path, encoding="utf-8") as handle:
                out[os.path.relpath(path, root)] = handle.read()
    return out


def main():
    url, client, work = sys.argv[1], sys.argv[2], sys.argv[3]
    response = url_helper.readurl(url, headers={"X-Forwarded-For": client}, timeout=10, retries=0)
    raw = util.decode_binary(response.contents)
    config = util.load_yaml(raw)
    state = network_state.parse_net_config_data(config, skip_broken=False)

    # features=[]: netplan's own `netplan info` is not asked (not installed here; only ipv6-mtu depends on it).
    netplan.Renderer(config={"features": []}).render_network_state(state, target=os.path.join(work, "netplan"))
    sysconfig.Renderer(config=rhel.Distro.renderer_configs["sysconfig"]).render_network_state(
        state, target=os.path.join(work, "sysconfig")
    )
    return {
        "cloudinit_version": version.version_string(),
        "content_type": response.headers.get("Content-Type"),
        "raw": raw,
        "interfaces": [
            {
                "name": iface.get("name"),
                "mac_address": iface.get("mac_address"),
                "mtu": iface.get("mtu"),
                "subnets": iface.get("subnets", []),
            }
            for iface in state.iter_interfaces()
        ],
        "netplan": files_under(os.path.join(work, "netplan")),
        "sysconfig": files_under(os.path.join(work, "sysconfig")),
        "warnings": WARNINGS.messages,
    }


if __name__ == "__main__":
    try:
        result = main()
    except Exception as err:  # the report carries the failure; the exit code says it too
        print(json.dumps({"error": "".join(traceback.format_exception(type(err), err, err.__traceback__))}))
        sys.exit(1)
    print(json.dumps(result, default=str))
