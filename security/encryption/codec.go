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
	Encoding         = "binary/encrypted"
	MetadataKeyID    = "encryption-key-id"
	MetadataCipher   = "encryption-cipher"
	cipherAESGCM     = "AES-256-GCM+deflate"
	maxDecodedLength = 64 << 20
)

// ErrUnknownKey is returned when a payload names a key the ring does not hold.
var ErrUnknownKey = errors.New("payload encrypted with a key this process does not have")

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
		out[i] = &commonpb.Payload{
			Metadata: map[string][]byte{
				converter.MetadataEncoding: []byte(Encoding),
				MetadataKeyID:              []byte(c.current),
				MetadataCipher:             []byte(cipherAESGCM),
			},
			Data: aead.Seal(nonce, nonce, compressed, additionalData(c.current)),
		}
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
		nonce, sealed := p.GetData()[:aead.NonceSize()], p.GetData()[aead.NonceSize():]
		compressed, err := aead.Open(nil, nonce, sealed, additionalData(id))
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

// additionalData binds the ciphertext to its key id and format: a payload cannot be relabelled
// to another key or cipher without failing authentication.
func additionalData(keyID string) []byte {
	return []byte(cipherAESGCM + "\x00" + keyID)
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
