// The destination model: an export declaration opens a voyage (declared
// destination, transit countries, consignee, value) that ends when the
// vehicle is imported (at the destination or elsewhere), registered at the
// destination, destroyed, or declared for export again (a re-export).
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "vinledger/verification.h"

namespace vinledger {

enum class VoyageEnd { kOpen, kArrived, kImportedElsewhere, kReExported, kDestroyed };

struct Voyage {
  std::size_t export_index = 0;  // index of the export event in the chain
  std::int64_t export_seq = 0;
  std::string_view origin;       // the country it leaves (export.country)
  std::string_view destination;  // declared final destination
  std::vector<std::string_view> via;  // declared transit countries
  std::vector<std::size_t> leg_indices;  // its shipping legs
  VoyageEnd end = VoyageEnd::kOpen;
  std::size_t end_index = 0;  // the event that ended it, unless open

  // The countries the declaration covers: origin, destination and via.
  bool on_declared_route(std::string_view country) const;
};

struct VoyageTimeline {
  std::vector<Voyage> voyages;
  std::vector<int> open_before;  // per event: the voyage open when it happens, or -1
  std::vector<int> during;       // per event: the voyage it belongs to (an export: the one it opens), or -1
};

VoyageTimeline build_voyage_timeline(std::span<const VehicleEvent> events);

}  // namespace vinledger
