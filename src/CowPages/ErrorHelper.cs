using System.Management.Automation;

namespace CowPages;

/// <summary>
/// Turns core failures into ErrorRecords with stable ids. The ids are part of the module's contract
/// (documented in about_CowPages); tests assert them.
/// </summary>
internal static class ErrorHelper
{
    internal static ErrorRecord FromProcfs(ProcfsException e, object? target)
    {
        (string id, ErrorCategory category) = e.Kind switch
        {
            ProcfsErrorKind.NotFound when e.ProcessId is not null => ("ProcessNotFound", ErrorCategory.ObjectNotFound),
            ProcfsErrorKind.NotFound => ("ProcfsFileNotFound", ErrorCategory.ObjectNotFound),
            ProcfsErrorKind.AccessDenied => ("ProcfsAccessDenied", ErrorCategory.PermissionDenied),
            ProcfsErrorKind.InvalidArgument => ("ProcfsInvalidArgument", ErrorCategory.InvalidArgument),
            ProcfsErrorKind.ProcessExited => ("ProcessExited", ErrorCategory.ObjectNotFound),
            ProcfsErrorKind.Malformed => ("ProcfsMalformed", ErrorCategory.InvalidData),
            ProcfsErrorKind.NoParent => ("NoParentProcess", ErrorCategory.InvalidOperation),
            ProcfsErrorKind.NoChildren => ("NoChildProcess", ErrorCategory.ObjectNotFound),
            ProcfsErrorKind.NoUserMemory => ("NoUserMemory", ErrorCategory.InvalidOperation),
            _ => ("ProcfsReadError", ErrorCategory.ReadError),
        };
        return new ErrorRecord(e, id, category, target) { ErrorDetails = new ErrorDetails(e.Message) };
    }

    internal static ErrorRecord InvalidProcessId(int processId) =>
        new(new System.ArgumentOutOfRangeException(nameof(processId), processId,
                $"{processId} is not a valid process ID; PIDs start at 1."),
            "InvalidProcessId", ErrorCategory.InvalidArgument, processId);

    internal static ErrorRecord InvalidRange(System.ArgumentException e, object? target) =>
        new(e, "InvalidPageRange", ErrorCategory.InvalidArgument, target) { ErrorDetails = new ErrorDetails(e.Message) };

    internal static ErrorRecord SnapshotWriteFailed(System.Exception e, string path) =>
        new(e, "SnapshotWriteFailed", ErrorCategory.WriteError, path)
        {
            ErrorDetails = new ErrorDetails($"Cannot write the snapshot {path}: {e.Message}"),
        };

    internal static ErrorRecord InvalidInputObject(object? input, string command, string accepted) =>
        new(new System.ArgumentException(
                $"{command} cannot use an object of type {(input is PSObject o ? o.BaseObject : input)?.GetType().FullName ?? "null"}: it takes {accepted}."),
            "InvalidInputObject", ErrorCategory.InvalidArgument, input);

    internal static ErrorRecord InvalidCellSize(System.ArgumentException e, object? target) =>
        new(e, "InvalidCellSize", ErrorCategory.InvalidArgument, target) { ErrorDetails = new ErrorDetails(e.Message) };

    internal static ErrorRecord ReportNotWritten(System.Exception e, string path) =>
        new(e, "ReportNotWritten", ErrorCategory.WriteError, path) { ErrorDetails = new ErrorDetails($"Cannot write the report to {path}: {e.Message}") };

    internal static ErrorRecord PfnNotFound(ulong pfn, string flagsPath) =>
        new(new ItemNotFoundException(
                $"PFN 0x{pfn:x} lies beyond the end of {flagsPath}: there is no such physical frame."),
            "PfnNotFound", ErrorCategory.ObjectNotFound, pfn);
}
