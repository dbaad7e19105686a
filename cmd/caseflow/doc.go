// Command caseflow runs caseflow. `caseflow dev` runs everything in one process with nothing
// installed; `setup` prepares an existing Temporal cluster, and `serve` and `worker` run the API
// and the worker against it and Redis. `caseflow help` lists every command.
//
// Built with -tags nodev, it is the lean production binary: without dev, seed and bench, and so
// without the embedded Temporal server, miniredis and the bench harness.
package main
