module floe.dev/harness/network-policy-api-v1alpha1

go 1.25

require sigs.k8s.io/network-policy-api v0.1.1
