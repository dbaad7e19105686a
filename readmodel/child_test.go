package readmodel

import (
	"bytes"
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/caseflow/caseflow/safeguarding"
	"github.com/caseflow/caseflow/security/pseudonym"
)

// TestAChildsCasesAreFoundByKeyedHashesOnly: a concern finds the child's cases, open and closed,
// by the child's match keys, while Redis holds only keyed hashes of them: neither the child's
// details nor the digests the case carries, and a store with another secret finds nothing. A
// case merged away (no keys) is found no more.
func TestAChildsCasesAreFoundByKeyedHashesOnly(t *testing.T) {
	ctx := context.Background()
	rdb := testRedis(t)
	s := New(rdb, testIDs)
	child := safeguarding.Child{Name: "Amara Okonkwo-Testchild", DateOfBirth: "2010-05-01", Reference: "LA-778812"}
	keys := safeguarding.ChildKeys(child, "E06000001")
	open, closed, other := summary("c1", 1, "north"), summary("c2", 2, "south"), summary("c3", 3, "south")
	open.ChildKeys = keys
	closed.ChildKeys = safeguarding.ChildKeys(safeguarding.Child{Name: child.Name, DateOfBirth: child.DateOfBirth}, "")
	closed.Closed, closed.Stage = true, "closed"
	other.ChildKeys = safeguarding.ChildKeys(safeguarding.Child{Name: "Sam Other", DateOfBirth: "2011-01-01"}, "")
	mustProject(t, s, open, closed, other)

	found, err := s.CasesOfChild(ctx, safeguarding.ChildKeys(safeguarding.Child{Name: "OKONKWO TESTCHILD, Amara", DateOfBirth: "2010-05-01"}, ""))
	if err != nil {
		t.Fatal(err)
	}
	if got := childCaseIDs(found); !slices.Equal(got, []string{"c2", "c1"}) || !found[0].Closed {
		t.Fatalf("cases of the child by name and date of birth: %+v", found)
	}
	found, _ = s.CasesOfChild(ctx, safeguarding.ChildKeys(safeguarding.Child{Name: "Someone", Reference: "la 778812"}, "e06000001"))
	if got := childCaseIDs(found); !slices.Equal(got, []string{"c1"}) {
		t.Fatalf("cases of the child by the local authority's reference: %+v", found)
	}

	for _, line := range dump(t, rdb, false) {
		for _, secret := range append([]string{"Amara", "amara", "Okonkwo", "okonkwo", "2010-05-01", "778812"}, keys...) {
			if strings.Contains(line, secret) {
				t.Errorf("Redis holds %q: %s", secret, line)
			}
		}
	}
	otherKey, err := pseudonym.New(bytes.Repeat([]byte{9}, 32))
	if err != nil {
		t.Fatal(err)
	}
	if found, _ := New(rdb, otherKey).CasesOfChild(ctx, keys); len(found) != 0 {
		t.Errorf("a store with another secret found %+v", found)
	}

	open.Version, open.ChildKeys = 4, nil // merged into another case of the child
	mustProject(t, s, open)
	if found, _ := s.CasesOfChild(ctx, keys); !slices.Equal(childCaseIDs(found), []string{"c2"}) {
		t.Errorf("after c1 was merged away: %+v", found)
	}
}

func childCaseIDs(list []ChildCase) []string {
	out := make([]string, len(list))
	for i, c := range list {
		out[i] = c.CaseID
	}
	return out
}
