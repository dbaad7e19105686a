//go:build nodev

package main

// devCommands is empty in the lean production build: see dev.go.
func devCommands() []command { return nil }
