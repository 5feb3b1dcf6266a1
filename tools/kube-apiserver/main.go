// Command kube-apiserver is the upstream Kubernetes API server, built from its published
// modules so tests can run a real one without Docker or a release download.
package main

import (
	"os"

	"k8s.io/component-base/cli"
	"k8s.io/kubernetes/cmd/kube-apiserver/app"
)

func main() {
	os.Exit(cli.Run(app.NewAPIServerCommand()))
}
