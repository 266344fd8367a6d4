# Installs a built module for the current user, where every pwsh of that user finds it by name: build.ps1's Install
# and Uninstall tasks, and the loopback hosts of the remoting test. Dot-sourced; functions throw on failure.

function Get-UserModulePath {
    <#
    The first entry of PSModulePath that lies in the user's home: ~/.local/share/powershell/Modules unless the user
    changed it. pwsh puts it first, Install-PSResource -Scope CurrentUser installs there, and autoloading searches it.
    #>
    $userHome = [Environment]::GetFolderPath('UserProfile').TrimEnd('/')
    $entry = $env:PSModulePath -split [IO.Path]::PathSeparator |
        Where-Object { $_ -and [IO.Path]::GetFullPath($_).StartsWith("$userHome/", [StringComparison]::Ordinal) } |
        Select-Object -First 1
    if (-not $entry) {
        throw "No entry of PSModulePath ($env:PSModulePath) lies in the home folder $userHome, so there is no user module path to install into."
    }
    $entry
}

function Install-BuiltModule {
    # Copies out/<Name>/<Version> to <Destination>/<Name>/<Version>, replacing an earlier copy of that version, and
    # returns the installed folder. Other versions stay.
    param([Parameter(Mandatory)][string]$ModulePath, [Parameter(Mandatory)][string]$Destination)

    $version = Split-Path -Leaf $ModulePath
    $name = Split-Path -Leaf (Split-Path -Parent $ModulePath)
    if (-not (Test-Path (Join-Path $ModulePath "$name.psd1"))) {
        throw "$ModulePath is not a built module folder (<Name>/<Version>/<Name>.psd1)."
    }
    $target = Join-Path $Destination "$name/$version"
    Remove-Item -Recurse -Force $target -ErrorAction SilentlyContinue
    $null = New-Item -ItemType Directory -Force $target
    Copy-Item -Path (Join-Path $ModulePath '*') -Destination $target -Recurse
    $target
}

function Uninstall-BuiltModule {
    # Removes <Destination>/<Name>/<Version>, and <Name> itself once no version is left. Returns what it removed.
    param([Parameter(Mandatory)][string]$Name, [Parameter(Mandatory)][string]$Version, [Parameter(Mandatory)][string]$Destination)

    $folder = Join-Path $Destination $Name
    $target = Join-Path $folder $Version
    if (Test-Path $target) {
        Remove-Item -Recurse -Force $target
        $target
    }
    if ((Test-Path $folder) -and -not (Get-ChildItem -Force $folder)) {
        Remove-Item -Force $folder
    }
}
