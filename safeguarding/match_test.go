package safeguarding

import (
	"fmt"
	"slices"
	"sync"
	"testing"
)

// Every case workflow and the API compute match keys at once; each child's keys must be their
// own however many are computed side by side.
func TestMatchKeysComputedAtOnceAreEachChildsOwn(t *testing.T) {
	children := make([]Child, 64)
	want := make([][]string, len(children))
	for i := range children {
		children[i] = Child{Name: fmt.Sprintf("Amára Ökonkwo-Smith %c%c", 'a'+rune(i%26), 'a'+rune(i/26)), DateOfBirth: "2011-03-04", Reference: fmt.Sprintf("ab-%d", i)}
		want[i] = ChildKeys(children[i], "north")
	}
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for round := range 200 {
				for i, ch := range children {
					if got := ChildKeys(ch, "north"); !slices.Equal(got, want[i]) {
						t.Errorf("round %d, child %d: keys %v, want %v", round, i, got, want[i])
						return
					}
				}
			}
		})
	}
	wg.Wait()
}
