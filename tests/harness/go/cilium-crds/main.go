// cilium-crds writes the CustomResourceDefinitions that Cilium's own release
// embeds (github.com/cilium/cilium/pkg/k8s/apis/cilium.io/client/crds/v2, the
// files the Cilium operator installs) into a directory, for the local test
// control plane. Usage: cilium-crds OUTDIR NAME.yaml...
package main

import (
	"fmt"
	"os"
	"path/filepath"

	crds "github.com/cilium/cilium/pkg/k8s/apis/cilium.io/client/crds/v2"
)

func main() {
	if len(os.Args) < 3 {
		fmt.Fprintln(os.Stderr, "usage: cilium-crds OUTDIR NAME.yaml...")
		os.Exit(2)
	}
	out := os.Args[1]
	if err := os.MkdirAll(out, 0o755); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	for _, name := range os.Args[2:] {
		data, err := crds.EmbedFS.ReadFile(name)
		if err != nil {
			fmt.Fprintf(os.Stderr, "cilium-crds: %s is not embedded in this Cilium release: %v\n", name, err)
			os.Exit(1)
		}
		if err := os.WriteFile(filepath.Join(out, name), data, 0o644); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
	}
}
