//go:build tools

// Package tools pins krew's command so `go mod tidy` keeps it.
package tools

import _ "sigs.k8s.io/krew/cmd/krew"
