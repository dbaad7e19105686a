package web_test

import (
	"bytes"

	"github.com/caseflow/caseflow/security/keyring"
	"github.com/caseflow/caseflow/security/pseudonym"
)

// testPseudonyms is the pseudonym key of the read model in tests that build the API by hand.
var testPseudonyms = func() pseudonym.Key {
	k, err := pseudonym.New(bytes.Repeat([]byte{5}, 32))
	if err != nil {
		panic(err)
	}
	return k
}()

// testKeys seal the sessions of tests that build the pages by hand.
var testKeys = func() *keyring.Keys {
	k, err := keyring.New()
	if err != nil {
		panic(err)
	}
	return k
}()
