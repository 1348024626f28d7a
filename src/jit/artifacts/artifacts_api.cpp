// The public API of include/jitcache/artifacts.hpp, on the runtime behind jit::function.
#include "jit/artifacts/bundles.hpp"
#include "jit/runtime/default_runtime.hpp"

#include <jitcache/artifacts.hpp>

namespace jitcache::artifacts {

namespace {

Expected<Saved>
save_noted(const Recorder::Noted& noted)
{
  auto& runtime = jit::default_runtime();
  if (runtime.store() == nullptr) {
    return make_error(ErrorCode::disabled, "no cache is configured, so nothing was recorded");
  }
  auto made = jit::make_bundle(runtime, noted);
  if (!made) {
    return std::unexpected(made.error());
  }
  return Saved{std::move(made->bytes), std::move(made->summary)};
}

} // namespace

Expected<Saved>
save()
{
  return save_noted(jit::process_recorder().noted());
}

Expected<Summary>
load(std::span<const uint8_t> bytes)
{
  auto& runtime = jit::default_runtime();
  if (runtime.store() == nullptr) {
    return make_error(ErrorCode::disabled, "no cache is configured: a bundle has nowhere to go");
  }
  return jit::load_bundle(runtime, Bytes::copy_of(bytes), jit::Destination::process);
}

struct ScopedRecorder::State {
  Recorder recorder;
  Recorder* previous = nullptr;
};

ScopedRecorder::ScopedRecorder() : m_state(std::make_unique<State>())
{
  auto& runtime = jit::default_runtime();
  m_state->previous = runtime.recorder();
  m_state->recorder.also_note_in(m_state->previous);
  runtime.record_into(&m_state->recorder);
}

ScopedRecorder::~ScopedRecorder()
{
  jit::default_runtime().record_into(m_state->previous);
}

Expected<Saved>
ScopedRecorder::save() const
{
  return save_noted(m_state->recorder.noted());
}

} // namespace jitcache::artifacts
