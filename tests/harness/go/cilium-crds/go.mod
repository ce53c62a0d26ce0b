module floe.dev/harness/cilium-crds

go 1.26.8

require github.com/cilium/cilium v1.20.2
