package readmodel

import (
	"context"
	"sync"
)

// Fanout shares one Redis subscription among every live-update stream of a process: a thousand
// open pages cost one subscription, not a thousand. It subscribes when the first stream opens and
// unsubscribes when the last one closes. If the subscription breaks, every stream ends, and the
// pages reconnect, which subscribes again.
type Fanout struct {
	store *Store

	mu             sync.Mutex
	subs           map[chan Change]struct{}
	unsubscribeAll func()
	generation     int
}

// NewFanout returns a Fanout of the store's changes.
func NewFanout(s *Store) *Fanout {
	return &Fanout{store: s, subs: map[chan Change]struct{}{}}
}

// Subscribe delivers changes until ctx ends or stop is called; the channel is closed then. As
// with Store.Subscribe, a slow reader loses changes rather than hold up the others.
func (f *Fanout) Subscribe(ctx context.Context) (changes <-chan Change, stop func(), err error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.unsubscribeAll == nil {
		upstream, unsubscribe, err := f.store.Subscribe(context.Background())
		if err != nil {
			return nil, nil, err
		}
		f.generation++
		f.unsubscribeAll = unsubscribe
		go f.pump(upstream, f.generation)
	}
	ch := make(chan Change, subscriberBuffer)
	f.subs[ch] = struct{}{}
	var once sync.Once
	stop = func() { once.Do(func() { f.leave(ch) }) }
	context.AfterFunc(ctx, stop)
	return ch, stop, nil
}

// Subscribers counts the open streams, for tests and metrics.
func (f *Fanout) Subscribers() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.subs)
}

func (f *Fanout) leave(ch chan Change) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if _, ok := f.subs[ch]; !ok {
		return // already closed by a broken subscription
	}
	delete(f.subs, ch)
	close(ch)
	if len(f.subs) == 0 && f.unsubscribeAll != nil {
		f.unsubscribeAll()
		f.unsubscribeAll = nil
		f.generation++
	}
}

// pump copies one subscription's changes to every stream. When the subscription ends while
// streams of it are open, they end too.
func (f *Fanout) pump(upstream <-chan Change, generation int) {
	for c := range upstream {
		f.mu.Lock()
		for ch := range f.subs {
			select {
			case ch <- c:
			default:
			}
		}
		f.mu.Unlock()
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.generation != generation {
		return
	}
	for ch := range f.subs {
		close(ch)
		delete(f.subs, ch)
	}
	f.unsubscribeAll = nil
	f.generation++
}
