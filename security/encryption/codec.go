package encryption

import (
	"bytes"
	"compress/flate"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"sync"
	"time"

	commonpb "go.temporal.io/api/common/v1"
	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/temporal"
	"google.golang.org/protobuf/proto"

	"github.com/caseflow/caseflow/security/keyring"
)

// Metadata of an encrypted payload. The encoding tells every Temporal tool that the data is not
// readable as it is; the key id says which key opens it.
const (
	Encoding       = "binary/encrypted"
	MetadataKeyID  = "encryption-key-id"
	MetadataCipher = "encryption-cipher"
	// MetadataBinding names what a payload is bound to (the case of the workflow it was written
	// for, see Codec.BoundBy); a payload written before binding has none.
	MetadataBinding  = "encryption-binding"
	cipherAESGCM     = "AES-256-GCM+deflate"
	maxDecodedLength = 64 << 20
)

// ErrUnknownKey is returned when a payload names a key the ring does not hold.
var ErrUnknownKey = errors.New("payload encrypted with a key this process does not have")

// ErrOtherBinding is returned for a payload bound to another case than the workflow reading it:
// moved from one case's history into another's, or sent to another case's codec endpoint.
var ErrOtherBinding = errors.New("payload written for another case")

// ErrPlaintext is returned for a payload in clear: caseflow writes every payload encrypted, so
// one in clear was written by something else (a client of the Temporal frontend without the
// keys), or before caseflow encrypted payloads (see Codec.AllowingPlaintextUntil).
var ErrPlaintext = errors.New("payload in clear refused: caseflow encrypts every payload it writes")

// PlaintextEnd is the last day of the migration from payloads in clear: after it no process of
// caseflow reads one as workflow input, whatever its configuration says. By then every case
// begun before encryption has continued as new, encrypted, at the first start of a worker of
// the release that refuses payloads in clear (workflows.UpdateCatchUp).
func PlaintextEnd() time.Time { return time.Date(2027, time.June, 30, 23, 59, 59, 0, time.UTC) }

// Codec is a converter.PayloadCodec that encrypts with the current key and decrypts with any key
// of the ring. It refuses a payload in clear, unless the migration switch allows it
// (AllowingPlaintextUntil), or it only decodes for people to read (ForReading).
type Codec struct {
	current string
	aeads   map[string]cipher.AEAD
	// plaintext says whether a payload in clear passes through now; nil refuses it.
	plaintext func() bool
	// bindingOf names what a workflow's payloads are bound to; nil binds nothing. binding is
	// this copy's, from the workflow the SDK said it works for ("" when it said none).
	bindingOf func(workflowID string) string
	binding   string
	// readOnly binds nothing written, while still refusing what is bound elsewhere: for a
	// rolling upgrade, while processes of a release before binding still read what is written.
	readOnly bool
}

// BoundBy is a copy of the codec that binds each payload it writes to what bindingOf names for
// the workflow it is written for (workflows.PayloadBinding: the workflow's case), and refuses to
// open one bound to anything else there. The SDK tells the codec which workflow it works for
// (WithSerializationContext); a payload written without one, or before binding, carries no
// binding and opens anywhere, as before. With write false it writes payloads unbound, as a
// release before binding did, and reads as BoundBy does.
func (c *Codec) BoundBy(bindingOf func(workflowID string) string, write bool) *Codec {
	out := *c
	out.bindingOf, out.readOnly = bindingOf, !write
	return &out
}

// WithSerializationContext is the codec for the workflow (or the workflow of the activity) the
// SDK is about to write or read payloads of.
func (c *Codec) WithSerializationContext(ctx converter.SerializationContext) converter.PayloadCodec {
	if c.bindingOf == nil {
		return c
	}
	var workflowID string
	switch sc := ctx.(type) {
	case converter.WorkflowSerializationContext:
		workflowID = sc.WorkflowID
	case converter.ActivitySerializationContext:
		workflowID = sc.WorkflowID
	}
	out := *c
	out.binding = ""
	if workflowID != "" {
		out.binding = c.bindingOf(workflowID)
	}
	return &out
}

// ForWorkflow is the codec as the SDK gives it for the workflow: for the codec endpoint, which
// decodes the payloads of the workflow its address names and no other's.
func (c *Codec) ForWorkflow(workflowID string) *Codec {
	return c.WithSerializationContext(converter.WorkflowSerializationContext{WorkflowID: workflowID}).(*Codec)
}

// AllowingPlaintextUntil is the migration switch: a copy of the codec that passes payloads in
// clear through, as written before caseflow encrypted them, while clock reads until or earlier,
// and never after PlaintextEnd. Workers need it while cases begun before
// encryption replay their first runs, which the catch-up at a worker's start ends; replay tests
// of histories recorded before encryption use it with the clock of their recording.
func (c *Codec) AllowingPlaintextUntil(until time.Time, clock func() time.Time) *Codec {
	last := until
	if end := PlaintextEnd(); last.After(end) {
		last = end
	}
	out := *c
	out.plaintext = func() bool { return !clock().After(last) }
	return &out
}

// ForReading is a copy of the codec that returns payloads in clear as they are: for the codec
// endpoint, which shows people what they send it and acts on nothing. A payload in clear is as
// readable before decoding as after.
func (c *Codec) ForReading() *Codec {
	out := *c
	out.plaintext = func() bool { return true }
	return &out
}

// NewCodec returns a codec for the payload keys of k.
func NewCodec(k *keyring.Keys) (*Codec, error) {
	c := &Codec{current: k.CurrentPayload, aeads: map[string]cipher.AEAD{}}
	for id, key := range k.Payload {
		block, err := aes.NewCipher(key)
		if err != nil {
			return nil, fmt.Errorf("payload key %q: %w", id, err)
		}
		aead, err := cipher.NewGCM(block)
		if err != nil {
			return nil, fmt.Errorf("payload key %q: %w", id, err)
		}
		c.aeads[id] = aead
	}
	if _, ok := c.aeads[c.current]; !ok {
		return nil, fmt.Errorf("current payload key %q is not in the ring", c.current)
	}
	return c, nil
}

// Encode seals each payload, whole (its metadata too), under the current key.
func (c *Codec) Encode(payloads []*commonpb.Payload) ([]*commonpb.Payload, error) {
	out := make([]*commonpb.Payload, len(payloads))
	aead := c.aeads[c.current]
	for i, p := range payloads {
		plain, err := proto.Marshal(p)
		if err != nil {
			return payloads, fmt.Errorf("encode payload: %w", err)
		}
		compressed, err := deflate(plain)
		if err != nil {
			return payloads, err
		}
		nonce := make([]byte, aead.NonceSize(), aead.NonceSize()+len(compressed)+aead.Overhead())
		if _, err := rand.Read(nonce); err != nil {
			return payloads, fmt.Errorf("encrypt payload: %w", err)
		}
		metadata := map[string][]byte{
			converter.MetadataEncoding: []byte(Encoding),
			MetadataKeyID:              []byte(c.current),
			MetadataCipher:             []byte(cipherAESGCM),
		}
		binding := c.binding
		if c.readOnly {
			binding = ""
		}
		if binding != "" {
			metadata[MetadataBinding] = []byte(binding)
		}
		out[i] = &commonpb.Payload{Metadata: metadata, Data: aead.Seal(nonce, nonce, compressed, additionalData(c.current, binding))}
	}
	return out, nil
}

// Decode opens each payload the codec sealed. A payload in clear is refused (ErrPlaintext)
// unless the codec allows it, and then passed through unchanged.
func (c *Codec) Decode(payloads []*commonpb.Payload) ([]*commonpb.Payload, error) {
	out := make([]*commonpb.Payload, len(payloads))
	for i, p := range payloads {
		if !IsEncrypted(p) {
			if c.plaintext == nil || !c.plaintext() {
				return payloads, ErrPlaintext
			}
			out[i] = p
			continue
		}
		id := string(p.GetMetadata()[MetadataKeyID])
		aead, ok := c.aeads[id]
		if !ok {
			return payloads, fmt.Errorf("%w (key id %q)", ErrUnknownKey, id)
		}
		if len(p.GetData()) < aead.NonceSize() {
			return payloads, errors.New("decrypt payload: too short")
		}
		bound, hasBinding := p.GetMetadata()[MetadataBinding]
		if hasBinding && c.binding != "" && string(bound) != c.binding {
			return payloads, ErrOtherBinding
		}
		nonce, sealed := p.GetData()[:aead.NonceSize()], p.GetData()[aead.NonceSize():]
		compressed, err := aead.Open(nil, nonce, sealed, additionalData(id, string(bound)))
		if err != nil {
			return payloads, fmt.Errorf("decrypt payload with key %q: %w", id, err)
		}
		plain, err := inflate(compressed)
		if err != nil {
			return payloads, err
		}
		decoded := &commonpb.Payload{}
		if err := proto.Unmarshal(plain, decoded); err != nil {
			return payloads, fmt.Errorf("decode payload: %w", err)
		}
		out[i] = decoded
	}
	return out, nil
}

// IsEncrypted reports whether the codec wrote p.
func IsEncrypted(p *commonpb.Payload) bool {
	return string(p.GetMetadata()[converter.MetadataEncoding]) == Encoding
}

// KeyIDOf returns the id of the key that sealed p, or "" for a payload in clear.
func KeyIDOf(p *commonpb.Payload) string {
	if !IsEncrypted(p) {
		return ""
	}
	return string(p.GetMetadata()[MetadataKeyID])
}

// additionalData binds the ciphertext to its key id and format, and to what it is bound to (its
// case): a payload cannot be relabelled to another key, cipher or case without failing
// authentication, nor have its binding taken off. A payload written before binding has none,
// and its additional data is as it was.
func additionalData(keyID, binding string) []byte {
	ad := cipherAESGCM + "\x00" + keyID
	if binding != "" {
		ad += "\x00" + binding
	}
	return []byte(ad)
}

// deflate compresses before encryption, since ciphertext does not compress: payloads are JSON
// and shrink several times over. The length of a payload still shows, as it does without
// compression. Compressors are pooled: each holds about a megabyte of tables.
func deflate(b []byte) ([]byte, error) {
	var buf bytes.Buffer
	w := compressors.Get().(*flate.Writer)
	defer compressors.Put(w)
	w.Reset(&buf)
	if _, err := w.Write(b); err != nil {
		return nil, fmt.Errorf("compress payload: %w", err)
	}
	if err := w.Close(); err != nil {
		return nil, fmt.Errorf("compress payload: %w", err)
	}
	return buf.Bytes(), nil
}

var compressors = sync.Pool{New: func() any {
	w, _ := flate.NewWriter(nil, flate.BestSpeed) // a valid level cannot fail
	return w
}}

var decompressors = sync.Pool{New: func() any { return flate.NewReader(bytes.NewReader(nil)) }}

// inflate decompresses, refusing output beyond maxDecodedLength: a payload is authenticated
// before this runs, but a bound costs nothing.
func inflate(b []byte) ([]byte, error) {
	r := decompressors.Get().(io.ReadCloser)
	defer decompressors.Put(r)
	if err := r.(flate.Resetter).Reset(bytes.NewReader(b), nil); err != nil {
		return nil, fmt.Errorf("decompress payload: %w", err)
	}
	out, err := io.ReadAll(io.LimitReader(r, maxDecodedLength+1))
	if err != nil {
		return nil, fmt.Errorf("decompress payload: %w", err)
	}
	if len(out) > maxDecodedLength {
		return nil, errors.New("decompress payload: larger than 64 MiB")
	}
	return out, nil
}

// Converters are the data and failure converters of every Temporal client and worker of
// caseflow.
type Converters struct {
	Codec   *Codec
	Data    converter.DataConverter
	Failure converter.FailureConverter
}

// NewConverters builds the converters for the payload keys of k, refusing payloads in clear.
// Failures carry their message and stack trace encoded too, so a refusal's wording is no more
// readable in history than the payloads.
func NewConverters(k *keyring.Keys) (*Converters, error) {
	codec, err := NewCodec(k)
	if err != nil {
		return nil, err
	}
	return convertersOf(codec), nil
}

// AllowingPlaintextUntil is the converters with the migration switch on (see
// Codec.AllowingPlaintextUntil).
func (c *Converters) AllowingPlaintextUntil(until time.Time, clock func() time.Time) *Converters {
	return convertersOf(c.Codec.AllowingPlaintextUntil(until, clock))
}

// BoundBy is the converters with payloads bound to what bindingOf names for their workflow (see
// Codec.BoundBy).
func (c *Converters) BoundBy(bindingOf func(workflowID string) string, write bool) *Converters {
	return convertersOf(c.Codec.BoundBy(bindingOf, write))
}

func convertersOf(codec *Codec) *Converters {
	data := converter.NewCodecDataConverter(converter.GetDefaultDataConverter(), codec)
	return &Converters{
		Codec: codec,
		Data:  data,
		Failure: temporal.NewDefaultFailureConverter(temporal.DefaultFailureConverterOptions{
			DataConverter:          data,
			EncodeCommonAttributes: true,
		}),
	}
}
