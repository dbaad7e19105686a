package bench

import "runtime"

func goVersion() string { return runtime.Version() }
