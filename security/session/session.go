package session

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/caseflow/caseflow/safeguarding"
	"github.com/caseflow/caseflow/security/keyring"
)

// Defaults of the timeouts, when Options leave them zero.
const (
	DefaultIdle = 30 * time.Minute
	DefaultMax  = 12 * time.Hour
)

// Errors of session lookups. ErrNone means the request carries no session at all.
var (
	ErrNone    = errors.New("no session")
	ErrExpired = errors.New("session ended")
	// ErrForged refuses a request that changes something without the session's CSRF token or
	// from another site.
	ErrForged = errors.New("request not made by caseflow's pages")
	// ErrUnavailable means Redis could not be asked: the session may well be valid.
	ErrUnavailable = errors.New("sessions unavailable")
)

// Session is one signed-in person.
type Session struct {
	Actor safeguarding.Actor `json:"actor"`
	// CSRF is sent by the pages with every request that changes something.
	CSRF string `json:"csrf"`
	// Via is how the person signed in: "oidc" (the agency's identity provider) or "dev".
	Via       string    `json:"via"`
	CreatedAt time.Time `json:"created_at"`
}

// Options configure a Store.
type Options struct {
	// Idle ends a session unused for this long (DefaultIdle when zero).
	Idle time.Duration
	// Max ends a session this long after sign-in, however busy (DefaultMax when zero).
	Max time.Duration
	// Now is the clock; time.Now when nil. Tests move it.
	Now func() time.Time
}

// Store keeps sessions in Redis.
type Store struct {
	rdb    redis.UniversalClient
	sealer *sealer
	opts   Options
}

// NewStore returns a Store on rdb whose records are sealed with subkeys of keys' payload keys.
func NewStore(rdb redis.UniversalClient, keys *keyring.Keys, opts Options) (*Store, error) {
	sealer, err := newSealer(keys)
	if err != nil {
		return nil, err
	}
	if opts.Idle <= 0 {
		opts.Idle = DefaultIdle
	}
	if opts.Max <= 0 {
		opts.Max = DefaultMax
	}
	if opts.Max < opts.Idle {
		opts.Idle = opts.Max
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	return &Store{rdb: rdb, sealer: sealer, opts: opts}, nil
}

const keyPrefix = "cf:session:"

// key is the Redis key of a session id: a hash, so Redis never holds a usable cookie.
func key(id string) string {
	sum := sha256.Sum256([]byte("session\x00" + id))
	return keyPrefix + hex.EncodeToString(sum[:])
}

// Create starts a session for actor and returns its id, the cookie's value.
func (s *Store) Create(ctx context.Context, actor safeguarding.Actor, via string) (string, Session, error) {
	id := rand.Text()
	sess := Session{Actor: actor, CSRF: rand.Text(), Via: via, CreatedAt: s.opts.Now().UTC()}
	raw, err := json.Marshal(sess)
	if err != nil {
		return "", Session{}, fmt.Errorf("encode session: %w", err)
	}
	k := key(id)
	sealed, err := s.sealer.seal(k, raw)
	if err != nil {
		return "", Session{}, err
	}
	// The session joins its person's set, which lives as long as a session can, so that
	// EndAll finds every session of theirs.
	index := s.sealer.indexOf(actor.UserID)
	_, err = s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		p.Set(ctx, k, sealed, s.opts.Idle)
		p.SAdd(ctx, index, k)
		p.Expire(ctx, index, s.opts.Max)
		return nil
	})
	if err != nil {
		return "", Session{}, fmt.Errorf("store session: %w: %w", ErrUnavailable, err)
	}
	return id, sess, nil
}

// EndAll ends every session of a person, on every device: for a phone lost or a password
// thought known to someone else. It returns how many were still open.
func (s *Store) EndAll(ctx context.Context, userID string) (int, error) {
	ended := 0
	for _, index := range s.sealer.indexesOf(userID) {
		sessions, err := s.rdb.SMembers(ctx, index).Result()
		if err != nil {
			return ended, fmt.Errorf("find sessions to end: %w: %w", ErrUnavailable, err)
		}
		// One DEL a key: in a Redis Cluster the keys live on different slots.
		dels := make([]*redis.IntCmd, len(sessions))
		_, err = s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
			for i, k := range sessions {
				dels[i] = p.Del(ctx, k)
			}
			p.Del(ctx, index)
			return nil
		})
		if err != nil {
			return ended, fmt.Errorf("end sessions: %w: %w", ErrUnavailable, err)
		}
		for _, d := range dels {
			ended += int(d.Val())
		}
	}
	return ended, nil
}

// Touch returns the session named by id and restarts its idle timeout. A session past its
// idle timeout or its absolute limit gives ErrExpired, an unknown id too, and so does a record
// that does not open: sealed with a key dropped from the ring, moved from another session, or
// written in clear by an earlier release (which is deleted on sight).
func (s *Store) Touch(ctx context.Context, id string) (Session, error) {
	return s.read(ctx, id, true)
}

// Peek returns the session named by id like Touch, without restarting its idle timeout: for
// requests a page makes by itself, such as a board refreshing, which are not someone at work.
func (s *Store) Peek(ctx context.Context, id string) (Session, error) {
	return s.read(ctx, id, false)
}

func (s *Store) read(ctx context.Context, id string, renew bool) (Session, error) {
	if id == "" {
		return Session{}, ErrNone
	}
	k := key(id)
	// Renewing reads and pushes back the idle expiry in one round trip. The absolute limit is
	// checked below, so an extension past it is never honoured.
	get := s.rdb.Get(ctx, k)
	if renew {
		get = s.rdb.GetEx(ctx, k, s.opts.Idle)
	}
	raw, err := get.Bytes()
	if errors.Is(err, redis.Nil) {
		return Session{}, ErrExpired
	}
	if err != nil {
		return Session{}, fmt.Errorf("read session: %w: %w", ErrUnavailable, err)
	}
	plain, legacy, err := s.sealer.open(k, raw)
	if legacy {
		_ = s.rdb.Del(ctx, k).Err()
	}
	if err != nil {
		return Session{}, fmt.Errorf("%w: %w", ErrExpired, err)
	}
	var sess Session
	if err := json.Unmarshal(plain, &sess); err != nil {
		return Session{}, fmt.Errorf("decode session: %w", err)
	}
	if !s.opts.Now().Before(sess.CreatedAt.Add(s.opts.Max)) {
		_ = s.rdb.Del(ctx, k).Err()
		_ = s.rdb.SRem(ctx, s.sealer.indexOf(sess.Actor.UserID), k).Err()
		return Session{}, ErrExpired
	}
	return sess, nil
}

// Delete ends the session named by id. Ending one that has already ended is not an error.
func (s *Store) Delete(ctx context.Context, id string) error {
	if id == "" {
		return nil
	}
	if err := s.rdb.Del(ctx, key(id)).Err(); err != nil {
		return fmt.Errorf("end session: %w", err)
	}
	return nil
}
