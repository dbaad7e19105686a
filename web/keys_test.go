package web_test

import (
	"bytes"

	"github.com/caseflow/caseflow/pseudonym"
)

// testPseudonyms is the pseudonym key of the read model in tests that build the API by hand.
var testPseudonyms = func() pseudonym.Key {
	k, err := pseudonym.New(bytes.Repeat([]byte{5}, 32))
	if err != nil {
		panic(err)
	}
	return k
}()
