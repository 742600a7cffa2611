// CountedCatalog: a Catalog that measures the catalog it wraps for the service's metrics:
// failures, and every snapshot commit with its outcome and duration, whoever commits (the
// exporter to tradeagg.trades, aggregation runs to tradeagg.exposures and tradeagg.runs).
//
// A failure is what an operator must look at; answers the protocol expects (kNotFound,
// kAlreadyExists, a commit conflict another writer won) are not.
// Thread safety: as the wrapped catalog; the metrics are atomic.
#pragma once

#include <memory>

#include "tradeagg/core/status_of.h"
#include "tradeagg/lake/iceberg/catalog.h"
#include "tradeagg/metrics/counter.h"
#include "tradeagg/metrics/family.h"
#include "tradeagg/metrics/histogram.h"

namespace tradeagg::lake::iceberg {

struct CatalogMetrics {
  metrics::Counter& errors;
  metrics::Family<metrics::Counter>& commits;  // labels: table, outcome (committed | conflict | failed | unknown)
  metrics::Histogram& commit_micros;
};

class CountedCatalog : public Catalog {
 public:
  CountedCatalog(std::unique_ptr<Catalog> catalog, CatalogMetrics metrics)
      : catalog_(std::move(catalog)), metrics_(metrics) {}

  Status CreateNamespace(std::string_view ns, const Properties& properties) override {
    return Count(catalog_->CreateNamespace(ns, properties));
  }
  Result<bool> NamespaceExists(std::string_view ns) override { return Count(catalog_->NamespaceExists(ns)); }
  Result<Properties> LoadNamespaceProperties(std::string_view ns) override {
    return Count(catalog_->LoadNamespaceProperties(ns));
  }
  Result<std::vector<TableIdentifier>> ListTables(std::string_view ns) override {
    return Count(catalog_->ListTables(ns));
  }
  Result<LoadedTable> LoadTable(const TableIdentifier& table) override { return Count(catalog_->LoadTable(table)); }
  Result<LoadedTable> CreateTable(const TableIdentifier& table, const TableDefinition& definition,
                                  std::string location) override {
    return Count(catalog_->CreateTable(table, definition, std::move(location)));
  }
  CommitAttempt CommitTable(const TableIdentifier& table, const LoadedTable& base,
                            const TableMetadata& updated) override;

 private:
  template <typename T>
  T Count(T outcome) {
    const Status& status = StatusOf(outcome);
    if (!status.ok() && status.code() != StatusCode::kNotFound && status.code() != StatusCode::kAlreadyExists) {
      metrics_.errors.Increment();
    }
    return outcome;
  }

  std::unique_ptr<Catalog> catalog_;
  CatalogMetrics metrics_;
};

}  // namespace tradeagg::lake::iceberg
