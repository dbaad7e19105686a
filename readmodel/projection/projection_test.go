package projection_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"slices"
	"sync"
	"testing"
	"time"

	"go.temporal.io/sdk/temporal"

	"github.com/caseflow/caseflow/policy"
	"github.com/caseflow/caseflow/readmodel/projection"
	"github.com/caseflow/caseflow/safeguarding"
)

// fakeReadModel records what the projection asked of the read model. The rebuild projects
// several cases at once, hence the lock.
type fakeReadModel struct {
	mu        sync.Mutex
	stored    map[string]projection.Summary
	announced []string
	failures  []string
	projErr   error
	empty     bool
	resets    int
	built     int
	samples   int
	sampled   chan struct{}
}

func newReadModel() *fakeReadModel {
	return &fakeReadModel{stored: map[string]projection.Summary{}, sampled: make(chan struct{}, 100)}
}

func (f *fakeReadModel) Project(_ context.Context, s projection.Summary) (bool, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.projErr != nil {
		return false, f.projErr
	}
	if err := s.Check(); err != nil {
		return false, err
	}
	if old, ok := f.stored[s.CaseID]; ok && old.Version >= s.Version {
		return false, nil
	}
	f.stored[s.CaseID] = s
	return true, nil
}
func (f *fakeReadModel) Announce(_ context.Context, s projection.Summary) error {
	f.announced = append(f.announced, fmt.Sprintf("%s@%d", s.CaseID, s.Version))
	return nil
}
func (f *fakeReadModel) RecordProjectionFailure(_ context.Context, id string, _ time.Time) error {
	f.failures = append(f.failures, id)
	return nil
}
func (f *fakeReadModel) IsEmpty(context.Context) (bool, error) { return f.empty, nil }
func (f *fakeReadModel) Reset(context.Context) error           { f.resets++; return nil }
func (f *fakeReadModel) MarkBuilt(context.Context) error       { f.built++; f.empty = false; return nil }
func (f *fakeReadModel) SampleOverdue(context.Context, time.Time) error {
	f.samples++
	select {
	case f.sampled <- struct{}{}:
	default:
	}
	return nil
}

// TestProjectCaseAnnouncesOnlyWhatItStored: a newer summary is stored and announced to live
// views; an overtaken one (a retry arriving after the next change) changes and announces nothing.
func TestProjectCaseAnnouncesOnlyWhatItStored(t *testing.T) {
	rm := newReadModel()
	a := &projection.Activity{ReadModel: rm}
	ctx := context.Background()
	for _, v := range []int64{2, 1, 3} {
		if err := a.ProjectCase(ctx, projection.Summary{CaseID: "c1", Version: v}); err != nil {
			t.Fatalf("version %d: %v", v, err)
		}
	}
	if want := []string{"c1@2", "c1@3"}; !slices.Equal(rm.announced, want) {
		t.Errorf("announced %v, want %v", rm.announced, want)
	}
	if rm.stored["c1"].Version != 3 {
		t.Errorf("stored version %d, want 3", rm.stored["c1"].Version)
	}
}

// TestUnprojectableSummaryFailsForGood: a summary the read model can never hold is recorded for
// the board and fails without retry; a passing Redis failure is retried.
func TestUnprojectableSummaryFailsForGood(t *testing.T) {
	rm := newReadModel()
	a := &projection.Activity{ReadModel: rm}
	err := a.ProjectCase(context.Background(), projection.Summary{CaseID: "c1", Version: 1, Team: "north\x00"})
	var appErr *temporal.ApplicationError
	if !errors.As(err, &appErr) || !appErr.NonRetryable() || appErr.Type() != projection.UnprojectableError {
		t.Fatalf("error %v, want a non-retryable %s", err, projection.UnprojectableError)
	}
	if !slices.Equal(rm.failures, []string{"c1"}) {
		t.Errorf("projection failures %v, want [c1]", rm.failures)
	}

	rm = newReadModel()
	rm.projErr = errors.New("connection refused")
	err = (&projection.Activity{ReadModel: rm}).ProjectCase(context.Background(), projection.Summary{CaseID: "c1", Version: 1})
	if err == nil || errors.As(err, &appErr) || len(rm.failures) > 0 {
		t.Errorf("a passing failure gave %v and failures %v, want a retryable error and none recorded", err, rm.failures)
	}
}

// TestSummaryNamesNoRestrictedKindAndNothingPersonal: lists never learn that an allegation was
// made (its actions are only "restricted") and hold only the open actions, soonest first.
func TestSummaryNamesNoRestrictedKindAndNothingPersonal(t *testing.T) {
	due := time.Date(2026, 12, 2, 9, 0, 0, 0, time.UTC)
	c := &safeguarding.Case{ID: "c1", Reference: "CF-C1", Revision: 7}
	c.Team, c.SocialWorker, c.Carers = "north", "sw-1", []string{"carer-1"}
	c.Actions = []safeguarding.Action{
		{ID: "A1", Kind: policy.PoliceReport, Status: safeguarding.ActionOpen, Due: due.Add(time.Hour), Owner: safeguarding.Owner{Role: safeguarding.RoleCarer, UserID: "carer-1"}},
		{ID: "A2", Kind: policy.LADO, Status: safeguarding.ActionOpen, Due: due, Owner: safeguarding.Owner{Role: safeguarding.RoleSafeguardingLead}},
		{ID: "A3", Kind: policy.NRMRequest, Status: safeguarding.ActionDone, Due: due},
	}
	s := projection.Of(c)
	var got []string
	for _, a := range s.Actions {
		got = append(got, a.ID+"/"+a.Kind+"/"+a.Class)
	}
	if want := []string{"A2/restricted/restricted", "A1/police-report/casework"}; !slices.Equal(got, want) {
		t.Errorf("actions %v, want %v", got, want)
	}
	if s.Version != 7 || s.Reference != "CF-C1" || !slices.Equal(s.Carers, []string{"carer-1"}) {
		t.Errorf("summary %+v lost the case's ids", s)
	}
}

// fakeCases lists cases and answers their summaries.
type fakeCases map[string]projection.Summary

func (f fakeCases) Running(_ context.Context, each func(string) error) error {
	for _, id := range slices.Sorted(maps.Keys(f)) {
		if err := each(id); err != nil {
			return err
		}
	}
	return nil
}
func (f fakeCases) Summary(_ context.Context, id string) (projection.Summary, error) {
	s, ok := f[id]
	if !ok {
		return s, errors.New("not opened")
	}
	return s, nil
}

// TestKeepRebuildsAnEmptiedReadModel: the keeper finds the read model empty, clears it, projects
// every running case and marks it built, then samples the overdue count every round.
func TestKeepRebuildsAnEmptiedReadModel(t *testing.T) {
	rm := newReadModel()
	rm.empty = true
	cases := fakeCases{"c1": {CaseID: "c1", Version: 4}, "c2": {CaseID: "c2", Version: 9}}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		projection.Keep(ctx, time.Millisecond, cases, rm, slog.New(slog.NewTextHandler(io.Discard, nil)))
	}()
	for range 3 {
		select {
		case <-rm.sampled:
		case <-time.After(10 * time.Second):
			t.Fatal("the keeper sampled the overdue count fewer than three times in 10 s")
		}
	}
	cancel()
	<-done
	if rm.resets != 1 || rm.built != 1 {
		t.Errorf("%d resets and %d rebuilds, want one each", rm.resets, rm.built)
	}
	if len(rm.stored) != 2 || rm.stored["c2"].Version != 9 {
		t.Errorf("stored %v, want both cases at their versions", rm.stored)
	}
	if rm.samples < 3 {
		t.Errorf("%d overdue samples, want one a round", rm.samples)
	}
}
