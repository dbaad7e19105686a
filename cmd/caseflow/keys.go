package main

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/caseflow/caseflow/security/keyring"
)

const keysUsage = `Usage:
  caseflow keys new [--out FILE]        make a key file: payload encryption, identity signing and pseudonym keys
  caseflow keys rotate --file FILE      add a new payload key and identity key, and make them current
  caseflow keys retire --file FILE      retire every identity key but the current one, from now
  caseflow keys verify-only --file FILE print the key file without the identity signing key, for workers

A key file is a secret: keep it readable by its owner only (caseflow refuses it otherwise), and
give serve the full file and worker the verify-only one. After a rotation, restart the workers
before the API: they must know a new identity key before the API signs with it. Once every API
replica signs with the new key, retire the old ones and restart the workers again: a retired key
vouches for nobody two minutes after its retirement (a leaked one included), while what it signed
before still verifies when a history replays. Payload keys are never retired: they decrypt the
records they encrypted.`

// runKeys makes and rotates key files.
func runKeys(_ context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprintln(stdout, keysUsage)
		return nil
	}
	fs := newFlags("keys "+args[0], stderr)
	out := fs.String("out", "", "write the new key file here (mode 0600) instead of to standard output")
	file := fs.String("file", "", "the key file")
	if err := parse(fs, args[1:]); err != nil {
		return err
	}
	switch args[0] {
	case "new":
		k, err := keyring.New()
		if err != nil {
			return err
		}
		return writeKeys(stdout, *out, k)
	case "rotate":
		k, err := readKeyFile(*file)
		if err != nil {
			return err
		}
		if err := k.Rotate(); err != nil {
			return err
		}
		if err := keyring.WriteFile(*file, k); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "rotated: payload key %s and identity key %s are current\n", k.CurrentPayload, k.CurrentIdentity)
		return nil
	case "retire":
		k, err := readKeyFile(*file)
		if err != nil {
			return err
		}
		retired := k.RetireIdentity(time.Now())
		if err := keyring.WriteFile(*file, k); err != nil {
			return err
		}
		if len(retired) == 0 {
			fmt.Fprintln(stdout, "no identity key to retire: only the current one is not retired")
			return nil
		}
		fmt.Fprintf(stdout, "retired identity keys %s; %s is current. Give the workers the new verify-only file and restart them.\n", strings.Join(retired, ", "), k.CurrentIdentity)
		return nil
	case "verify-only":
		k, err := readKeyFile(*file)
		if err != nil {
			return err
		}
		return writeKeys(stdout, *out, k.VerifyOnly())
	}
	return usageError{fmt.Sprintf("unknown keys command %q; run caseflow keys help", args[0])}
}

// readKeyFile reads the key file a command names with --file, which it needs.
func readKeyFile(path string) (*keyring.Keys, error) {
	if path == "" {
		return nil, usageError{"--file is required"}
	}
	return keyring.ReadFile(path, true)
}

func writeKeys(stdout io.Writer, out string, k *keyring.Keys) error {
	if out != "" {
		return keyring.WriteFile(out, k)
	}
	data, err := k.Marshal()
	if err != nil {
		return err
	}
	_, err = fmt.Fprintln(stdout, string(data))
	return err
}
