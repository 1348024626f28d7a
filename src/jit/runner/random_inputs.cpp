#include "jit/runner/random_inputs.hpp"

namespace jitcache::jit {

namespace {

uint64_t
split_mix(uint64_t& state)
{
  uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

} // namespace

Tensor
random_tensor(const TensorType& type, uint64_t seed)
{
  std::vector<int64_t> sizes;
  for (const auto& dim : type.shape) {
    sizes.push_back(dim.size);
  }
  Tensor tensor = Tensor::empty(type.dtype, sizes);
  uint64_t state = seed;
  const auto count = tensor.numel();
  for (int64_t i = 0; i < count; ++i) {
    const uint64_t bits = split_mix(state);
    const double unit = static_cast<double>(bits >> 11) * 0x1.0p-53; // [0, 1)
    const auto small = static_cast<int64_t>(bits % 17) - 8;
    switch (type.dtype) {
    case DType::f32: tensor.data_as<float>()[i] = static_cast<float>(unit * 2 - 1); break;
    case DType::f64: tensor.data_as<double>()[i] = unit * 2 - 1; break;
    case DType::i32: tensor.data_as<int32_t>()[i] = static_cast<int32_t>(small); break;
    case DType::i64: tensor.data_as<int64_t>()[i] = small; break;
    case DType::boolean: tensor.data_as<bool>()[i] = (bits & 1) != 0; break;
    }
  }
  return tensor;
}

} // namespace jitcache::jit
