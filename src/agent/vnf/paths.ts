/** Where the vnf role keeps its files: per-VM directories (private mounts in the local cloud). */
export const VNF_DIR = "/var/lib/onekube/vnf";
export const RUN_DIR = "/run/onekube";
export const VRRP_STATE_FILE = `${RUN_DIR}/vrrp.state`;
export const NOTIFY_SCRIPT = `${VNF_DIR}/vrrp-notify.sh`;
export const KEEPALIVED_CONF = `${VNF_DIR}/keepalived.conf`;
export const HAPROXY_CFG = `${VNF_DIR}/haproxy.cfg`;
export const HAPROXY_SOCKET = `${RUN_DIR}/haproxy.sock`;

/** keepalived calls it with TYPE NAME STATE PRIORITY on every VRRP transition. */
export const NOTIFY_SCRIPT_TEXT = `#!/bin/sh
# Rendered by onekube: records the VRRP state for the vnf agent.
echo "$3" > ${VRRP_STATE_FILE}.tmp && mv ${VRRP_STATE_FILE}.tmp ${VRRP_STATE_FILE}
`;
