package encryption

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"

	commonpb "go.temporal.io/api/common/v1"
	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/temporal"

	"github.com/caseflow/caseflow/security/keyring"
)

const secret = "Amara Okonkwo-Testchild said the older boys keep her phone"

func newKeys(t *testing.T) *keyring.Keys {
	t.Helper()
	k, err := keyring.New()
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func newConverters(t *testing.T, k *keyring.Keys) *Converters {
	t.Helper()
	c, err := NewConverters(k)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestRoundTripHidesTheData(t *testing.T) {
	k := newKeys(t)
	c := newConverters(t, k)
	p, err := c.Data.ToPayload(map[string]string{"account": secret})
	if err != nil {
		t.Fatal(err)
	}
	if !IsEncrypted(p) || KeyIDOf(p) != k.CurrentPayload {
		t.Fatalf("payload metadata %v: not encrypted under the current key", p.GetMetadata())
	}
	for _, needle := range []string{secret, "Amara", "account", "json/plain"} {
		if bytes.Contains(p.GetData(), []byte(needle)) || strings.Contains(p.String(), needle) {
			t.Errorf("the encrypted payload shows %q", needle)
		}
	}
	var back map[string]string
	if err := c.Data.FromPayload(p, &back); err != nil {
		t.Fatal(err)
	}
	if back["account"] != secret {
		t.Errorf("decoded %q", back["account"])
	}
}

func TestSamePlaintextGivesDifferentCiphertext(t *testing.T) {
	c := newConverters(t, newKeys(t))
	a, _ := c.Data.ToPayload(secret)
	b, _ := c.Data.ToPayload(secret)
	if bytes.Equal(a.GetData(), b.GetData()) {
		t.Error("two encryptions of one value are equal: the nonce is not fresh")
	}
}

// inClear is a payload as a client without the keys writes it.
func inClear(t *testing.T, v any) *commonpb.Payload {
	t.Helper()
	p, err := converter.GetDefaultDataConverter().ToPayload(v)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// A payload in clear was not written by caseflow: it is refused, whether alone or beside
// encrypted ones, and nothing is decoded from it.
func TestPayloadsInClearAreRefused(t *testing.T) {
	c := newConverters(t, newKeys(t))
	sealed, err := c.Data.ToPayload("sealed")
	if err != nil {
		t.Fatal(err)
	}
	for _, payloads := range [][]*commonpb.Payload{
		{inClear(t, map[string]string{"name": "forged"})},
		{sealed, inClear(t, nil)},
		{{}},
	} {
		if _, err := c.Codec.Decode(payloads); !errors.Is(err, ErrPlaintext) {
			t.Errorf("decoding %d payloads with one in clear: %v, want refused", len(payloads), err)
		}
	}
	var v map[string]string
	if err := c.Data.FromPayload(inClear(t, map[string]string{"name": "forged"}), &v); !errors.Is(err, ErrPlaintext) || v != nil {
		t.Errorf("the data converter read a payload in clear: %v, %v", v, err)
	}
}

// Histories written before encryption decode while the migration switch allows it: up to the
// instant it names, never after PlaintextEnd, whatever it names.
func TestTheMigrationSwitchReadsPayloadsInClearUntilItsEnd(t *testing.T) {
	plain := inClear(t, map[string]string{"name": "old"})
	until := time.Date(2027, 1, 31, 23, 59, 59, 0, time.UTC)
	for _, tc := range []struct {
		name        string
		until, now  time.Time
		passThrough bool
	}{
		{"before the day it names", until, until.Add(-24 * time.Hour), true},
		{"at its end", until, until, true},
		{"after it", until, until.Add(time.Second), false},
		{"named after the migration's end, read before it", PlaintextEnd().AddDate(1, 0, 0), PlaintextEnd(), true},
		{"named after the migration's end, read after it", PlaintextEnd().AddDate(1, 0, 0), PlaintextEnd().Add(time.Second), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := newConverters(t, newKeys(t)).AllowingPlaintextUntil(tc.until, func() time.Time { return tc.now })
			out, err := c.Codec.Decode([]*commonpb.Payload{plain})
			if !tc.passThrough {
				if !errors.Is(err, ErrPlaintext) {
					t.Fatalf("a payload in clear: %v, want refused", err)
				}
				return
			}
			if err != nil || out[0] != plain {
				t.Fatalf("a payload in clear was changed or refused: %v", err)
			}
			var v map[string]string
			if err := c.Data.FromPayload(plain, &v); err != nil || v["name"] != "old" {
				t.Fatalf("decode a payload in clear: %v %v", v, err)
			}
			sealed, err := c.Data.ToPayload(secret)
			if err != nil || !IsEncrypted(sealed) {
				t.Fatalf("with the switch on, a new payload is not encrypted: %v", err)
			}
		})
	}
}

// The codec endpoint returns a payload in clear as it is: it shows people what they send.
func TestTheCodecForReadingReturnsPayloadsInClear(t *testing.T) {
	plain := inClear(t, "old")
	out, err := newConverters(t, newKeys(t)).Codec.ForReading().Decode([]*commonpb.Payload{plain})
	if err != nil || out[0] != plain {
		t.Fatalf("a payload in clear was changed or refused: %v", err)
	}
}

// Nothing becomes a payload in clear on its way out: nil and empty values are encrypted like
// any other, and no value at all is no payload, which there is nothing to refuse in.
func TestNothingIsWrittenInClear(t *testing.T) {
	c := newConverters(t, newKeys(t))
	var nilSlice []string
	for _, v := range []any{nil, nilSlice, "", struct{}{}, []byte(nil)} {
		p, err := c.Data.ToPayload(v)
		if err != nil || !IsEncrypted(p) {
			t.Errorf("%#v became a payload in clear: %v", v, err)
		}
		ps, err := c.Data.ToPayloads(v)
		if err != nil || len(ps.GetPayloads()) != 1 || !IsEncrypted(ps.GetPayloads()[0]) {
			t.Errorf("%#v became payloads in clear: %v", v, err)
		}
	}
	none, err := c.Data.ToPayloads()
	if err != nil || len(none.GetPayloads()) != 0 {
		t.Fatalf("no value became %v: %v", none, err)
	}
	if err := c.Data.FromPayloads(none); err != nil {
		t.Errorf("no payloads refused: %v", err)
	}
	if err := c.Data.FromPayloads(nil); err != nil {
		t.Errorf("nil payloads refused: %v", err)
	}
}

func TestRotationOldPayloadsStillDecrypt(t *testing.T) {
	k := newKeys(t)
	before := newConverters(t, k)
	old, err := before.Data.ToPayload(secret)
	if err != nil {
		t.Fatal(err)
	}
	if err := k.Rotate(); err != nil {
		t.Fatal(err)
	}
	after := newConverters(t, k)
	fresh, err := after.Data.ToPayload(secret)
	if err != nil {
		t.Fatal(err)
	}
	if KeyIDOf(fresh) != k.CurrentPayload || KeyIDOf(fresh) == KeyIDOf(old) {
		t.Errorf("after rotation new payloads use key %q, want the new key %q", KeyIDOf(fresh), k.CurrentPayload)
	}
	var s string
	if err := after.Data.FromPayload(old, &s); err != nil || s != secret {
		t.Errorf("a payload of the old key no longer decrypts: %v", err)
	}
}

func TestPayloadsThatMustNotOpen(t *testing.T) {
	c := newConverters(t, newKeys(t))
	good, err := c.Data.ToPayload(secret)
	if err != nil {
		t.Fatal(err)
	}
	clone := func(f func(*commonpb.Payload)) *commonpb.Payload {
		p := &commonpb.Payload{Metadata: map[string][]byte{}, Data: bytes.Clone(good.GetData())}
		for k, v := range good.GetMetadata() {
			p.Metadata[k] = v
		}
		f(p)
		return p
	}
	other := newConverters(t, newKeys(t))
	foreign, err := other.Data.ToPayload(secret)
	if err != nil {
		t.Fatal(err)
	}
	cases := map[string]struct {
		p    *commonpb.Payload
		want error
	}{
		"flipped bit":        {clone(func(p *commonpb.Payload) { p.Data[len(p.Data)-1] ^= 1 }), nil},
		"truncated":          {clone(func(p *commonpb.Payload) { p.Data = p.Data[:5] }), nil},
		"another ring's key": {foreign, ErrUnknownKey},
		"relabelled key id": {clone(func(p *commonpb.Payload) {
			p.Metadata[MetadataKeyID] = []byte(KeyIDOf(foreign))
		}), ErrUnknownKey},
	}
	for name, tc := range cases {
		_, err := c.Codec.Decode([]*commonpb.Payload{tc.p})
		if err == nil {
			t.Errorf("%s: decoded", name)
		} else if tc.want != nil && !errors.Is(err, tc.want) {
			t.Errorf("%s: %v, want %v", name, err, tc.want)
		}
	}
}

// A refusal crosses Temporal as a failure: its message and details must be as unreadable in
// history as the payloads, and come back whole on the other side.
func TestFailuresAreEncrypted(t *testing.T) {
	c := newConverters(t, newKeys(t))
	refusal := temporal.NewApplicationErrorWithOptions("Only "+secret, "forbidden", temporal.ApplicationErrorOptions{
		NonRetryable: true, Details: []any{map[string]string{"child": secret}},
	})
	f := c.Failure.ErrorToFailure(refusal)
	if strings.Contains(f.String(), "Amara") {
		t.Fatalf("the failure shows the message or details in clear: %v", f)
	}
	var app *temporal.ApplicationError
	if !errors.As(c.Failure.FailureToError(f), &app) {
		t.Fatalf("decoded failure is not an application error")
	}
	if app.Type() != "forbidden" || app.Message() != "Only "+secret {
		t.Errorf("decoded %q %q", app.Type(), app.Message())
	}
	var details map[string]string
	if err := app.Details(&details); err != nil || details["child"] != secret {
		t.Errorf("details %v (%v)", details, err)
	}
}

// TestPayloadsAreBoundToTheirCase: a payload written for one case's workflow opens in that case's
// workflows and nowhere else, whatever is done to its metadata; one written before binding (or
// with no workflow named) opens anywhere, as before.
func TestPayloadsAreBoundToTheirCase(t *testing.T) {
	bindingOf := func(workflowID string) string {
		return "case:" + strings.TrimPrefix(strings.Split(workflowID, "-record-")[0], "case-")
	}
	keys := newKeys(t)
	c := newConverters(t, keys).BoundBy(bindingOf, true)
	forWorkflow := func(id string) converter.DataConverter {
		return converter.WithDataConverterSerializationContext(c.Data, converter.WorkflowSerializationContext{Namespace: "caseflow", WorkflowID: id})
	}
	p, err := forWorkflow("case-a").ToPayload(secret)
	if err != nil {
		t.Fatal(err)
	}
	if string(p.GetMetadata()[MetadataBinding]) != "case:a" {
		t.Fatalf("binding %q, want case:a", p.GetMetadata()[MetadataBinding])
	}
	var got string
	for _, reader := range []converter.DataConverter{forWorkflow("case-a"), forWorkflow("case-a-record-3"), c.Data} {
		if err := reader.FromPayload(p, &got); err != nil || got != secret {
			t.Errorf("read where it belongs: %q, %v", got, err)
		}
	}
	if err := forWorkflow("case-b").FromPayload(p, &got); !errors.Is(err, ErrOtherBinding) {
		t.Errorf("read in another case's workflow: %v, want %v", err, ErrOtherBinding)
	}
	relabelled := &commonpb.Payload{Metadata: map[string][]byte{}, Data: p.GetData()}
	for k, v := range p.GetMetadata() {
		relabelled.Metadata[k] = v
	}
	relabelled.Metadata[MetadataBinding] = []byte("case:b")
	if err := forWorkflow("case-b").FromPayload(relabelled, &got); err == nil {
		t.Error("a payload relabelled to another case opened there")
	}
	delete(relabelled.Metadata, MetadataBinding)
	if err := forWorkflow("case-b").FromPayload(relabelled, &got); err == nil {
		t.Error("a payload with its binding taken off opened in another case")
	}
	unbound, err := newConverters(t, keys).Data.ToPayload(secret)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := unbound.GetMetadata()[MetadataBinding]; ok {
		t.Error("a codec that binds nothing wrote a binding")
	}
	if err := forWorkflow("case-b").FromPayload(unbound, &got); err != nil || got != secret {
		t.Errorf("a payload written before binding, read in a case's workflow: %q, %v", got, err)
	}
	if p, err := c.Data.ToPayload(secret); err != nil || p.GetMetadata()[MetadataBinding] != nil {
		t.Errorf("written with no workflow named: binding %q, %v", p.GetMetadata()[MetadataBinding], err)
	}
	// While upgrading from a release before binding: nothing written is bound, what is bound is
	// still kept to its case.
	upgrading := converter.WithDataConverterSerializationContext(newConverters(t, keys).BoundBy(bindingOf, false).Data,
		converter.WorkflowSerializationContext{WorkflowID: "case-b"})
	if w, err := upgrading.ToPayload(secret); err != nil || w.GetMetadata()[MetadataBinding] != nil {
		t.Errorf("written while upgrading: binding %q, %v", w.GetMetadata()[MetadataBinding], err)
	}
	if err := upgrading.FromPayload(p, &got); !errors.Is(err, ErrOtherBinding) {
		t.Errorf("read while upgrading in another case's workflow: %v, want %v", err, ErrOtherBinding)
	}
}
