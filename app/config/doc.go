// Package config is caseflow's one configuration, for every command: read from flags, with
// defaults from the environment, and validated before anything starts. An invalid configuration
// is one clear line and exit status 2.
package config
