// The log side of tlog-witness over HTTP: the transport LogWitnessing
// (vinledger/log_witnessing.h) is given by `serve --witness`. One kept-alive
// client per witness; a witness that does not answer in time is an error
// (LogWitnessing marks it down and tries again later).
#pragma once

#include "http/http_client.h"
#include "vinledger/log_witnessing.h"

namespace vinledger::http {

// POST <witness URL>/add-checkpoint. Not for concurrent use: LogWitnessing
// submits to its witnesses one after another.
WitnessPost http_witness_post(ClientOptions options);

}  // namespace vinledger::http
