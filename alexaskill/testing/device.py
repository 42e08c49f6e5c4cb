"""Who `TestClient`'s requests come from: the simulated user and device (its ids, locale,
interfaces and audio player), each of which can change between requests (a part of the client)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from .options import checked_id, checked_player
from .requests import check_interfaces

if TYPE_CHECKING:
    from .player import DevicePlayer
    from .requests import RequestFactory

__all__ = ["SimulatedDevice"]


class SimulatedDevice:
    """`TestClient`'s simulated user and device, as its `RequestFactory` makes the requests
    (a part of the client)."""

    factory: RequestFactory

    if TYPE_CHECKING:

        def new_session(self) -> None:
            """Forget the current session: the next request starts a new one."""

    @property
    def skill_id(self) -> str:
        """The application id the client's requests carry."""
        return self.factory.skill_id

    @skill_id.setter
    def skill_id(self, value: str) -> None:
        self.factory.skill_id = checked_id("skill_id", value)
        self.new_session()

    @property
    def locale(self) -> str:
        """The locale of the client's requests (``"en-US"``)."""
        return self.factory.locale

    @locale.setter
    def locale(self, value: str) -> None:
        self.factory.locale = value

    @property
    def interfaces(self) -> tuple[str, ...]:
        """The interfaces the simulated device declares; other ones start a new session."""
        return self.factory.interfaces

    @interfaces.setter
    def interfaces(self, value: Iterable[str]) -> None:
        interfaces, self.factory.interfaces = self.factory.interfaces, check_interfaces(value)
        if "AudioPlayer" not in self.factory.interfaces:
            self.factory.player.forget()
        if set(self.factory.interfaces) != set(interfaces):  # (another device)
            self.new_session()

    @property
    def player(self) -> DevicePlayer:
        """The device's audio player, as the requests' ``context.AudioPlayer`` carries it.

        It follows the skill's answers (a Play starts its stream, a Stop stops it, …) and the
        events sent (`audio_event`); set its fields, or assign a `DevicePlayer`, to start from
        any state: ``client.player = DevicePlayer("ep-42", activity="PAUSED",
        offset_in_milliseconds=95_000)``. Only a device declaring AudioPlayer sends it.
        """
        return self.factory.player

    @player.setter
    def player(self, value: DevicePlayer) -> None:
        self.factory.player = checked_player(value)

    @property
    def user_id(self) -> str:
        """The simulated user's id; changing it starts a new session."""
        return self.factory.user_id

    @user_id.setter
    def user_id(self, value: str) -> None:
        self.factory.user_id = checked_id("user_id", value)
        self.new_session()

    @property
    def device_id(self) -> str:
        """The simulated device's id; changing it starts a new session (a session is held on
        one device)."""
        return self.factory.device_id

    @device_id.setter
    def device_id(self, value: str) -> None:
        self.factory.device_id = checked_id("device_id", value)
        self.new_session()
