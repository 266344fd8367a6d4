namespace CowPages.Decoding;

/// <summary>Parses the text of <c>/proc/PID/status</c> (<c>proc_pid_status()</c> in <c>fs/proc/array.c</c>).</summary>
public static class StatusParser
{
    /// <summary>Parses the whole file. The path and PID only label errors.</summary>
    /// <exception cref="ProcfsException">The Name or PPid line is missing or PPid is not a number.</exception>
    public static ProcessStatus Parse(string text, string path, int? processId)
    {
        string? name = null;
        int? parentId = null;
        char state = '?';
        ulong? residentKiB = null;
        foreach (string line in text.Split('\n'))
        {
            int colon = line.IndexOf(':');
            if (colon < 0)
            {
                continue;
            }
            string value = line[(colon + 1)..].Trim();
            switch (line[..colon])
            {
                case "Name":
                    name = value;
                    break;
                case "PPid":
                    parentId = int.TryParse(value, out int ppid) ? ppid
                        : throw ProcfsException.Malformed(path, processId, $"PPid '{value}' is not a number");
                    break;
                case "State":
                    state = value.Length > 0 ? value[0] : '?';
                    break;
                case "VmRSS":
                    // "1234 kB"; a line that does not parse is left out rather than failing the whole status.
                    int space = value.IndexOf(' ');
                    residentKiB = ulong.TryParse(space < 0 ? value : value[..space], out ulong kib) ? kib : null;
                    break;
            }
        }
        if (name is null || parentId is null)
        {
            throw ProcfsException.Malformed(path, processId, "the Name or PPid line is missing");
        }
        return new ProcessStatus(name, parentId.Value, state, residentKiB);
    }
}
