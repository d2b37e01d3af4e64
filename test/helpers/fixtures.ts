// The ARP example of the reference, verbatim.
export const REFERENCE_ARP_CONFIGMAP = `apiVersion: v1
kind: ConfigMap
metadata:
  namespace: metallb-system
  name: config
data:
  config: |
    address-pools:
    - name: default
      protocol: layer2
      addresses:
      - 172.16.100.200-172.16.100.250
      - 172.16.101.200-172.16.101.250
      - 172.16.102.200-172.16.102.250
`;
