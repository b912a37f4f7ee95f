// Which sweep instance owns a sweep's folder (<root>/<sweep>/: its checkpoints and prepared data).
// The folder keeps a small file, `owner`, naming the instance (the store's sweeps.instance, drawn at
// registration and again after --fresh) and its database (relative to the folder, so a results folder
// moved whole keeps its owner). A sweep start refuses a folder that another existing database's sweep
// owns (two databases in one folder with a sweep of the same name would share checkpoints), and sets
// aside — moves, never deletes — the checkpoints and prepared data of an instance it does not continue.
#pragma once

#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>

#include "common/checkpoint_files.h"

namespace bokeh::orchestrator {

inline constexpr const char* kFolderOwnerFile = "owner";
using common::kSetAsideFolder;

// The sweep folder belongs to a sweep of another database; what() says which and what to do.
class FolderOwnedError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct FolderOwner {
  std::string instance;            // "" when the folder has no owner file (written before owners existed)
  std::filesystem::path database;  // absolute; empty without an owner file
};

// The folder's owner as its file says; nullopt when the file is missing. A malformed file counts as
// missing (its instance is then unknown, so nothing in the folder is continued).
std::optional<FolderOwner> read_folder_owner(const std::filesystem::path& sweep_folder);

// Writes the owner file atomically (the folder is created).
void write_folder_owner(const std::filesystem::path& sweep_folder, const std::string& instance,
                        const std::filesystem::path& database);

// Throws FolderOwnedError when `sweep_folder` is owned by a database other than `database` that still
// exists (a missing one was removed: its sweep is discarded, and the folder may be taken over).
void check_folder_database(const std::filesystem::path& sweep_folder, const std::string& sweep,
                           const std::filesystem::path& database);

// Moves the folder's checkpoints/ (and data/ when `with_data`) into set-aside/<instance or "unowned">[-N]/
// and returns that folder, or an empty path when there was nothing to move. Throws std::runtime_error
// naming the folder when a move fails.
std::filesystem::path set_aside_sweep_files(const std::filesystem::path& sweep_folder, const std::string& instance,
                                            bool with_data = true);

}  // namespace bokeh::orchestrator
