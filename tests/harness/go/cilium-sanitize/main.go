// cilium-sanitize runs Cilium's own rule validation over CiliumNetworkPolicy
// specs: each line of stdin is one spec as JSON ({"endpointSelector": ...,
// "ingress": [...], "egress": [...]}), unmarshalled into
// github.com/cilium/cilium/pkg/policy/api.Rule and checked with Sanitize(),
// what the Cilium agent does before it imports a rule. It prints one line per
// input: "ok", or "error: <Cilium's message>". Exit 0 unless stdin is unreadable.
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"

	"github.com/cilium/cilium/pkg/policy/api"
)

func main() {
	in := bufio.NewScanner(os.Stdin)
	in.Buffer(make([]byte, 1<<20), 16<<20)
	for in.Scan() {
		var rule api.Rule
		if err := json.Unmarshal(in.Bytes(), &rule); err != nil {
			fmt.Printf("error: unmarshal: %v\n", err)
			continue
		}
		if err := rule.Sanitize(); err != nil {
			fmt.Printf("error: %v\n", err)
			continue
		}
		fmt.Println("ok")
	}
	if err := in.Err(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
