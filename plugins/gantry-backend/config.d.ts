export interface Config {
  gantry?: {
    permissions?: {
      /**
       * Entity refs (users or groups) whose members are platform admins and
       * may do everything; everyone else may read. Defaults to
       * `group:default/platform-admins`.
       */
      adminRefs?: string[];
    };
  };
}
