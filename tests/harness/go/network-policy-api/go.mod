module floe.dev/harness/network-policy-api

go 1.25

require sigs.k8s.io/network-policy-api v0.3.1
