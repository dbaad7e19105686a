package readmodel

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/caseflow/caseflow/readmodel/projection"
)

func TestRowRoundTrip(t *testing.T) {
	sum := summary("c1", 1, "north")
	for _, a := range []projection.Action{
		action("A1", "police-report", -90*time.Second, projection.EscalationLead),
		{ID: "A2", Kind: "lado", OwnerRole: "safeguarding_lead", Due: now.Add(time.Hour)},
	} {
		raw, err := encodeRow(sum, a)
		if err != nil {
			t.Fatal(err)
		}
		got, err := decodeRow(raw)
		if err != nil {
			t.Fatal(err)
		}
		want := ActionRow{Action: a, CaseID: "c1", Reference: "CF-C1", Team: "north", Stage: "concern-raised",
			people: rowPeople{socialWorker: "sw-north", fosteringSocialWorker: "fsw-1", carers: "carer-c1"}}
		if !got.Due.Equal(want.Due) {
			t.Errorf("due %v, want %v", got.Due, want.Due)
		}
		got.Due = want.Due
		if got != want {
			t.Errorf("decoded\n%+v\nwant\n%+v", got, want)
		}
	}
	for _, bad := range []string{"", "a\x1fb", "c1\x1fCF\x1fn\x1fs\x1fsw\x1ffsw\x1fc\x1f\x1fA1\x1fk\x1fcasework\x1fr\x1fu\x1fsoon\x1f1"} {
		if _, err := decodeRow(bad); err == nil {
			t.Errorf("decoded %q", bad)
		}
	}
}

func TestProjectRefusesBadIDs(t *testing.T) {
	ctx := context.Background()
	s := New(testRedis(t), testIDs)
	if _, err := s.Project(ctx, summary("", 1, "north")); err == nil {
		t.Error("projected a case without an id")
	}
	bad := summary("c1", 1, "north", action("A\x1f1", "care-plan", time.Hour, projection.EscalationNone))
	if _, err := s.Project(ctx, bad); !errors.Is(err, projection.ErrUnprojectable) {
		t.Errorf("action id with the row separator: %v", err)
	}
	team := summary("c1", 1, "north\nsouth")
	if _, err := s.Project(ctx, team); !errors.Is(err, projection.ErrUnprojectable) || strings.Contains(err.Error(), "south") {
		t.Errorf("team with a control character: %v", err)
	}
	if _, found, _ := s.Case(ctx, "c1"); found {
		t.Error("a refused projection was stored")
	}
}
